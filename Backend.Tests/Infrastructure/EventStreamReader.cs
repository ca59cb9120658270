using System.Text;
using System.Text.Json;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>One Server-Sent Event as a test reads it: its <c>id:</c> (null when the event had none), name and payload.</summary>
public sealed record SseEvent(long? Id, string Name, JsonElement Payload);

/// <summary>
/// Reads a <c>text/event-stream</c> response as the EventSource specification parses it (fields <c>id</c>,
/// <c>event</c>, <c>data</c>; comments; a blank line dispatches), into a <see cref="HubEventLog"/> — so tests wait for
/// events exactly as they do on a hub connection — plus each event's <c>id</c> and the comments seen.
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private readonly List<SseEvent> _events = [];
    private readonly List<string> _comments = [];

    private EventStreamReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reading = ReadAsync(body);
    }

    public HubEventLog Log { get; } = new();

    public IReadOnlyList<SseEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<string> Comments
    {
        get
        {
            lock (_comments)
            {
                return [.. _comments];
            }
        }
    }

    /// <summary>Opens <paramref name="url"/> as an event stream; the response must be 200 <c>text/event-stream</c>.</summary>
    public static async Task<EventStreamReader> OpenAsync(HttpClient http, string url, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"{(int)response.StatusCode} instead of an event stream: {body}");
        }

        return new EventStreamReader(response, await response.Content.ReadAsStreamAsync());
    }

    public Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, int seconds = 60) =>
        Log.WaitForAsync(name, match, TimeSpan.FromSeconds(seconds));

    /// <summary>Completes when the server has ended the stream.</summary>
    public Task<string> EndedAsync(int seconds = 30) => Log.EndedAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Drops the stream from the client's side, as a lost network does.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(Stream body)
    {
        long? id = null;
        string? name = null;
        var data = new StringBuilder();
        try
        {
            using var reader = new StreamReader(body, Encoding.UTF8);
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        var evt = new SseEvent(id, name ?? "message", JsonDocument.Parse(data.ToString()).RootElement.Clone());
                        lock (_events)
                        {
                            _events.Add(evt);
                        }

                        Log.Add(new HubEvent(evt.Name, evt.Payload));
                    }

                    (id, name) = (null, null);
                    data.Clear();
                }
                else if (line.StartsWith(':'))
                {
                    lock (_comments)
                    {
                        _comments.Add(line[1..].Trim());
                    }
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(data.Length > 0 ? "\n" : "").Append(line[6..]);
                }
            }

            Log.Close("the server ended the stream");
        }
        catch (Exception ex)
        {
            Log.Close($"the stream broke: {ex.GetType().Name}");
        }
    }
}
