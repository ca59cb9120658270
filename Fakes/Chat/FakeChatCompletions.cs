using System.Globalization;

namespace RoleplayHub.Fakes.Chat;

/// <summary>
/// An OpenAI-compatible chat endpoint (<c>POST /v1/chat/completions</c>, <c>stream: true</c>) that writes one reply
/// word by word at a language model's pace, as server-sent events: a first token after <c>--first-token-ms</c>, then
/// <c>--tokens-per-second</c>. For the load benchmark of a model that streams token by token (bench/run.sh llm): the
/// server under test reads every event and sends the trainee what it makes of them.
/// </summary>
public sealed class FakeChatCompletions : IAsyncDisposable
{
    public const string DefaultReply = "That price is well above what we budgeted for this year, and our board will ask why. "
        + "Before we go any further, tell me what the total cost of ownership looks like over three years, "
        + "including support and training. If you cannot show me real savings, we will stay with our current vendor.";

    private readonly WebApplication _app;
    private readonly byte[][] _events;
    private readonly TimeSpan _firstToken;
    private readonly TimeSpan _perToken;

    private FakeChatCompletions(int port, string reply, TimeSpan firstToken, double tokensPerSecond)
    {
        _firstToken = firstToken;
        _perToken = TimeSpan.FromSeconds(1 / tokensPerSecond);
        var words = reply.Split(' ');
        _events = [.. words.Select((w, i) => ChatChunks.Event(ChatChunks.Chunk(i + 1 < words.Length ? w + " " : w, null))),
            ChatChunks.Event(ChatChunks.Chunk(null, "stop")), ChatChunks.Event("[DONE]")];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", StreamAsync);
        Url = $"http://127.0.0.1:{port}/v1";
    }

    public string Url { get; }

    /// <summary>The words of the reply, each one event.</summary>
    public int Tokens => _events.Length - 2;

    public static async Task<FakeChatCompletions> StartAsync(ReadOnlyMemory<string> args)
    {
        var (port, reply, firstMs, rate) = (5612, DefaultReply, 300.0, 40.0);
        var a = args.Span;
        for (var i = 0; i + 1 < a.Length; i += 2)
        {
            var value = a[i + 1];
            switch (a[i])
            {
                case "--port": port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--reply": reply = value; break;
                case "--first-token-ms": firstMs = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--tokens-per-second": rate = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument {a[i]}.");
            }
        }

        var fake = new FakeChatCompletions(port, reply, TimeSpan.FromMilliseconds(firstMs), rate);
        await fake._app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task StreamAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, aborted); // the prompt is not read
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync(aborted);
            await Task.Delay(_firstToken, aborted);
            for (var i = 0; i < _events.Length; i++)
            {
                if (i > 0 && i < Tokens)
                {
                    await Task.Delay(_perToken, aborted);
                }

                await context.Response.Body.WriteAsync(_events[i], aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The server under test hung up (a barge-in, a session ended).
        }
    }
}
