using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>
/// A fake of Gemini Live's <c>BidiGenerateContent</c> WebSocket (protocol doc §6): the key in <c>x-goog-api-key</c>
/// (or <c>?key=</c>) and a refused one closed with 1008 after the upgrade; JSON in binary frames as Google sends it;
/// <c>setup</c> → <c>setupComplete</c>, automatic or manual activity detection, input and output transcription,
/// <c>interrupted</c> on speech during a reply, <c>goAway</c> before the connection's cap, and resumption handles that
/// let a new connection continue the conversation.
/// </summary>
public sealed class FakeGeminiLive(FakeRealtimeOptions options) : FakeRealtimeServer(options)
{
    public override string Path => "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

    /// <summary>Resumption handles issued, with the number of completed turns of the conversation they continue.</summary>
    internal ConcurrentDictionary<string, int> Handles { get; } = new();

    protected override async Task HandleAsync(HttpContext context, FakeRealtimeRecord record, Action accepted)
    {
        var key = context.Request.Headers["x-goog-api-key"].FirstOrDefault() ?? context.Request.Query["key"].FirstOrDefault();
        using var ws = await context.WebSockets.AcceptWebSocketAsync();
        accepted();
        var wire = new FakeWire(ws, binary: true);
        if (key != Options.ApiKey)
        {
            await wire.CloseAsync(WebSocketCloseStatus.PolicyViolation, "API key not valid. Please pass a valid API key.");
            await wire.ReceiveAsync(context.RequestAborted);
            return;
        }

        await new FakeGeminiSession(this, wire, record).RunAsync(context.RequestAborted);
    }
}
