using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>
/// A fake of the vendors that speak OpenAI's Realtime protocol: <c>openai</c> and <c>azure</c> in the GA dialect,
/// <c>stepfun</c>, <c>glm</c> and <c>qwen</c> in the beta one (../shared/docs/realtime-protocols.md §1–5), each at its
/// real path and checking the key its way.
/// </summary>
public sealed class FakeOpenAiRealtime(FakeRealtimeOptions options) : FakeRealtimeServer(options)
{
    public override string Path => Options.Vendor switch
    {
        "azure" => "/openai/v1/realtime",
        "glm" => "/api/paas/v4/realtime",
        "qwen" => "/api-ws/v1/realtime",
        _ => "/v1/realtime", // openai, stepfun
    };

    /// <summary>Azure's endpoint setting is the resource; the client adds the v1 path.</summary>
    public override string EndpointUrl => Options.Vendor == "azure" ? Url : base.EndpointUrl;

    protected override async Task HandleAsync(HttpContext context, FakeRealtimeRecord record, Action accepted)
    {
        var headers = context.Request.Headers;
        var keyOk = Options.Vendor == "azure"
            ? headers["api-key"] == Options.ApiKey || headers.Authorization == "Bearer " + Options.ApiKey
            : headers.Authorization == "Bearer " + Options.ApiKey;
        if (!keyOk && Options.Vendor != "openai")
        {
            // Azure (and, as far as we could tell, the beta vendors) refuse the upgrade itself.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new
            {
                error = new { code = "401", message = "Access denied due to invalid subscription key or wrong API endpoint." },
            });
            return;
        }

        using var ws = await context.WebSockets.AcceptWebSocketAsync();
        accepted();
        var wire = new FakeWire(ws);
        if (!keyOk)
        {
            // OpenAI accepts the socket, says why in an error event, then closes.
            await wire.SendAsync(FakeOpenAiSession.Error("invalid_request_error", "invalid_api_key",
                "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."));
            await wire.CloseAsync((WebSocketCloseStatus)3000, "invalid_request_error.invalid_api_key");
            await wire.ReceiveAsync(context.RequestAborted);
            return;
        }

        await new FakeOpenAiSession(this, wire, record).RunAsync(context.RequestAborted);
    }

    internal static JsonObject Event(string type, int id) => new() { ["type"] = type, ["event_id"] = "event_" + id };
}
