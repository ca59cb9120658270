using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoleplayHub.Fakes.Chat;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A local OpenAI-compatible chat-completions server for tests: Kestrel on 127.0.0.1 with a free port. Each request is
/// recorded and answered by the next scripted response (SSE <c>chat.completion.chunk</c>s, an HTTP error, silence
/// before the first token or in mid-stream, a connection dropped mid-stream, or garbage); with none queued it streams a
/// default reply.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    public const string DefaultReply = "Default reply.";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _responses = new();
    private readonly List<RecordedChatRequest> _requests = [];

    private FakeChatServer(WebApplication app) => _app = app;

    /// <summary>The base URL to configure, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<RecordedChatRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeChatServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeChatServer(builder.Build());
        server._app.MapPost("/v1/chat/completions", server.HandleAsync);
        await server._app.StartAsync();
        server.BaseUrl = server._app.Urls.First().TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Streams <paramref name="deltas"/> as content chunks, then a stop chunk, a usage chunk and <c>[DONE]</c>.</summary>
    public FakeChatServer Reply(params string[] deltas) => Enqueue(context => StreamAsync(context, deltas));

    /// <summary>An HTTP error with an OpenAI-style JSON body and, optionally, a <c>Retry-After</c> header.</summary>
    public FakeChatServer Fail(int status, string message = "failure from the fake server", string? retryAfter = null) => Enqueue(async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        await context.Response.WriteAsJsonAsync(new { error = new { message, type = "fake_error", code = status.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
    });

    /// <summary>Accepts the request and never answers (until the client gives up).</summary>
    public FakeChatServer Hang() => Enqueue(context => Task.Delay(Timeout.Infinite, context.RequestAborted));

    /// <summary>Streams <paramref name="first"/>, waits for <paramref name="release"/>, then streams
    /// <paramref name="rest"/> and ends the stream: a model still writing while the test looks.</summary>
    public FakeChatServer ReplyInTwoParts(string[] first, Task release, string[] rest) => Enqueue(async context =>
    {
        await StartStreamAsync(context);
        foreach (var delta in first)
        {
            await WriteChunkAsync(context, ChatChunks.Chunk(delta, null));
        }

        await release.WaitAsync(context.RequestAborted);
        await StreamAsync(context, rest, started: true);
    });

    /// <summary>Streams <paramref name="deltas"/>, then goes silent without ending the stream.</summary>
    public FakeChatServer StallAfter(params string[] deltas) => Enqueue(async context =>
    {
        await StartStreamAsync(context);
        foreach (var delta in deltas)
        {
            await WriteChunkAsync(context, ChatChunks.Chunk(delta, null));
        }

        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    });

    /// <summary>Streams <paramref name="deltas"/> and <c>[DONE]</c> with no finish reason: a stream cut short by a proxy.</summary>
    public FakeChatServer EndUnfinished(params string[] deltas) => Enqueue(async context =>
    {
        await StartStreamAsync(context);
        foreach (var delta in deltas)
        {
            await WriteChunkAsync(context, ChatChunks.Chunk(delta, null));
        }

        await WriteAsync(context, ChatChunks.Event("[DONE]"));
    });

    /// <summary>Streams <paramref name="deltas"/>, then drops the connection in the middle of the stream.</summary>
    public FakeChatServer DropAfter(params string[] deltas) => Enqueue(async context =>
    {
        await StartStreamAsync(context);
        foreach (var delta in deltas)
        {
            await WriteChunkAsync(context, ChatChunks.Chunk(delta, null));
        }

        // Abort discards output Kestrel has not yet handed to the socket, and its socket writes run on the thread pool of
        // a test process busy with other tests: the pause lets the deltas leave first.
        await Task.Delay(1_000, context.RequestAborted);
        context.Abort();
    });

    /// <summary>Streams <paramref name="deltas"/>, then an event that is not JSON.</summary>
    public FakeChatServer Malformed(params string[] deltas) => Enqueue(async context =>
    {
        await StartStreamAsync(context);
        foreach (var delta in deltas)
        {
            await WriteChunkAsync(context, ChatChunks.Chunk(delta, null));
        }

        await WriteAsync(context, "data: {\"id\": \"c\", \"choices\": [ {oops\n\n");
    });

    /// <summary>A 200 response that is not an event stream at all (a proxy's HTML page).</summary>
    public FakeChatServer NotAStream() => Enqueue(async context =>
    {
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync("<html><body>Welcome to nginx!</body></html>");
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private FakeChatServer Enqueue(Func<HttpContext, Task> response)
    {
        _responses.Enqueue(response);
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonDocument.ParseAsync(context.Request.Body);
        lock (_requests)
        {
            _requests.Add(new RecordedChatRequest(context.Request.Headers.Authorization.ToString(), body.RootElement.Clone(), Stopwatch.GetTimestamp()));
        }

        try
        {
            await (_responses.TryDequeue(out var response) ? response : Default)(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client hung up: that is what these responses wait for.
        }
    }

    private static Task Default(HttpContext context) => StreamAsync(context, [DefaultReply]);

    private static async Task StreamAsync(HttpContext context, string[] deltas, bool started = false)
    {
        if (!started)
        {
            await StartStreamAsync(context);
        }

        foreach (var delta in deltas)
        {
            await WriteChunkAsync(context, ChatChunks.Chunk(delta, null));
        }

        await WriteChunkAsync(context, ChatChunks.Chunk(null, "stop"));
        await WriteChunkAsync(context, """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":42,"completion_tokens":7,"total_tokens":49}}""");
        await WriteAsync(context, ChatChunks.Event("[DONE]"));
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static Task WriteChunkAsync(HttpContext context, string json) => WriteAsync(context, ChatChunks.Event(json));

    private static Task WriteAsync(HttpContext context, string text) => WriteAsync(context, Encoding.UTF8.GetBytes(text));

    private static async Task WriteAsync(HttpContext context, byte[] bytes)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}

/// <summary>What the fake server received: the bearer header and the JSON body.</summary>
public sealed record RecordedChatRequest(string Authorization, JsonElement Body, long Timestamp)
{
    public string Model => Body.GetProperty("model").GetString()!;

    public IReadOnlyList<(string Role, string Content)> Messages =>
        [.. Body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))];

    public string System => Messages[0].Role == "system" ? Messages[0].Content : "";
}
