using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>
/// A fake realtime vendor on Kestrel, on 127.0.0.1 (port 0 = a free one), serving the vendor's WebSocket path. Every
/// connection gets a <see cref="FakeRealtimeRecord"/> in <see cref="Sessions"/>; <see cref="Script"/> says what it hears
/// and answers next.
/// </summary>
public abstract class FakeRealtimeServer(FakeRealtimeOptions options) : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeRealtimeRecord> _sessions = new();
    private WebApplication? _app;

    public FakeRealtimeOptions Options { get; } = options;

    public FakeRealtimeScript Script { get; } = new();

    /// <summary>http://127.0.0.1:port</summary>
    public string Url { get; private set; } = "";

    /// <summary>What a profile's <c>Endpoint</c> should say to reach this fake.</summary>
    public virtual string EndpointUrl => "ws" + Url["http".Length..] + Path;

    /// <summary>The vendor's WebSocket path.</summary>
    public abstract string Path { get; }

    public IReadOnlyList<FakeRealtimeRecord> Sessions => [.. _sessions];

    public FakeRealtimeRecord LastSession => _sessions.Last();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, Options.Port));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Map(Path, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            var record = new FakeRealtimeRecord { Model = context.Request.Query["model"] };
            await HandleAsync(context, record, () => _sessions.Enqueue(record));
        });
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>Checks the key the vendor's way, accepts the socket (calling <paramref name="accepted"/>) and runs the session.</summary>
    protected abstract Task HandleAsync(HttpContext context, FakeRealtimeRecord record, Action accepted);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Makes the fake for a vendor name.</summary>
public static class FakeRealtimeServers
{
    public static FakeRealtimeServer Create(FakeRealtimeOptions options) => options.Vendor switch
    {
        "gemini" => new FakeGeminiLive(options),
        "openai" or "azure" or "stepfun" or "glm" or "qwen" => new FakeOpenAiRealtime(options),
        _ => throw new ArgumentException($"No fake for vendor '{options.Vendor}'; use openai, azure, stepfun, glm, qwen or gemini."),
    };
}
