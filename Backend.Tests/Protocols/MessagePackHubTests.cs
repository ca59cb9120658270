using RoleplayHub.Audio;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Protocols;

/// <summary>The MessagePack hub protocol end to end with the official .NET client: audio goes up as bytes, and
/// every event comes back with the field names it has over JSON.</summary>
public sealed class MessagePackHubTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();
    private readonly ConcurrentQueue<(string Name, IDictionary<object, object?> Payload)> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private HubConnection? _connection;

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _factory.Dispose();
    }

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task AWholeTurnTravelsWithTheAudioAsBytes(HttpTransportType transport)
    {
        var hub = await ConnectAsync("alice", transport);
        var started = await hub.InvokeAsync<IDictionary<object, object?>>("start-session", new { scenarioId = HubTestKit.Scenario });
        var sessionId = (string)started["sessionId"]!;
        var speech = EchoSpeechToText.Speak("what is the price");

        await hub.InvokeAsync("audio-chunk", new { sessionId, audioData = speech, offset = 0L });
        await hub.InvokeAsync("commit-audio", new { sessionId });
        var final = await EventAsync("transcription", e => e["isFinal"] is true);
        var reply = await EventAsync("ai-response", e => Convert.ToInt32(e["turn"]) == 1);
        var speechOut = await EventAsync("avatar-response", e => Convert.ToInt32(e["turn"]) == 1 && e["isLast"] is true);
        var ack = await EventAsync("audio-received", _ => true);

        Assert.Equal("en-US", started["language"]);
        Assert.Equal("what is the price", final["text"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)reply["text"]));
        Assert.StartsWith("http", (string)speechOut["audioUrl"]!, StringComparison.Ordinal);
        Assert.Equal(speech.Length, Convert.ToInt64(ack["totalBytes"]));
        Assert.Equal(speech.Length, Convert.ToInt32(ack["audioSize"]));
        Assert.DoesNotContain(_events, e => e.Name == "error");
    }

    [Fact]
    public async Task AudioOfTheWrongTypeOrSizeIsAnErrorEventAndTheConnectionStaysUp()
    {
        var hub = await ConnectAsync("alice", HttpTransportType.WebSockets);
        var started = await hub.InvokeAsync<IDictionary<object, object?>>("start-session", new { scenarioId = HubTestKit.Scenario });
        var sessionId = (string)started["sessionId"]!;

        await hub.SendAsync("audio-chunk", new { sessionId, audioData = 42, offset = 0L });
        var wrongType = await EventAsync("error", _ => true);
        await hub.SendAsync("audio-chunk", new { sessionId, audioData = new byte[300_000], offset = 0L });
        var tooLarge = await EventAsync("error", e => !ReferenceEquals(e, wrongType));
        await hub.SendAsync("audio-chunk", new { sessionId, audioData = new byte[100], offset = ulong.MaxValue });
        var hugeOffset = await EventAsync("error", e => !ReferenceEquals(e, wrongType) && !ReferenceEquals(e, tooLarge));
        await hub.InvokeAsync("audio-chunk", new { sessionId, audioData = new byte[100], offset = 0L });

        Assert.Equal("invalid-audio", wrongType["code"]);
        Assert.Contains("audioData", (string)wrongType["message"]!, StringComparison.Ordinal);
        Assert.Equal("chunk-too-large", tooLarge["code"]);
        Assert.Equal("invalid-request", hugeOffset["code"]);
        Assert.Contains("offset", (string)hugeOffset["message"]!, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task TheAcknowledgementThatLearntAWavHeaderCarriesTheNewSettings()
    {
        var hub = await ConnectAsync("alice", HttpTransportType.WebSockets);
        var started = await hub.InvokeAsync<IDictionary<object, object?>>("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "wav" } });
        var sessionId = (string)started["sessionId"]!;
        var stereo48k = new byte[WavFile.HeaderSize + 9_600];
        WavFile.Write(stereo48k, new byte[9_600], WavFile.Pcm16(48_000, channels: 2));

        await hub.InvokeAsync("audio-chunk", new { sessionId, audioData = stereo48k, offset = 0L });
        await hub.InvokeAsync("audio-chunk", new { sessionId, audioData = new byte[9_600], offset = (long)stereo48k.Length });
        var learnt = await EventAsync("audio-received", e => Convert.ToInt64(e["offset"]) == 0);
        var next = await EventAsync("audio-received", e => Convert.ToInt64(e["offset"]) > 0);

        var config = Assert.IsAssignableFrom<IDictionary<object, object?>>(learnt["audioConfig"]);
        Assert.Equal((48_000, 2), (Convert.ToInt32(config["sampleRate"]), Convert.ToInt32(config["channels"])));
        Assert.Equal(stereo48k.Length, Convert.ToInt32(learnt["audioSize"]));
        Assert.False(next.ContainsKey("audioConfig")); // the per-chunk form stays the short one
    }

    private async Task<HubConnection> ConnectAsync(string user, HttpTransportType transport)
    {
        var server = _factory.Server;
        var token = _factory.Token(user);
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/roleplay"), options =>
            {
                options.Transports = transport;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var uri = new UriBuilder(context.Uri) { Query = context.Uri.Query.TrimStart('?') + "&access_token=" + token }.Uri;
                    return await server.CreateWebSocketClient().ConnectAsync(uri, cancellationToken);
                };
            })
            .AddMessagePackProtocol()
            .Build();
        foreach (var name in new[] { "session-started", "audio-received", "transcription", "ai-response", "avatar-response", "session-ended", "error" })
        {
            _connection.On<IDictionary<object, object?>>(name, payload =>
            {
                _events.Enqueue((name, payload));
                _arrived.Release();
            });
        }

        await _connection.StartAsync();
        return _connection;
    }

    private async Task<IDictionary<object, object?>> EventAsync(string name, Func<IDictionary<object, object?>, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            foreach (var (eventName, payload) in _events)
            {
                if (eventName == name && match(payload))
                {
                    return payload;
                }
            }

            try
            {
                await _arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No '{name}' event; got [{string.Join(", ", _events.Select(e => e.Name))}]");
            }
        }
    }
}
