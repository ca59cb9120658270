using Microsoft.AspNetCore.Http.Connections;

namespace RoleplayHub.Tests.Integration;

/// <summary>The three transports the hub offers (a browser falls back to Server-Sent Events or long polling where a
/// proxy blocks WebSockets), for the hub tests that run over each: a whole turn, auth, resume, a refusal.</summary>
public static class HubTransports
{
    public static TheoryData<HttpTransportType> All { get; } =
        [HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling];
}
