namespace RoleplayHub.Bench.Load;

/// <summary>The ws:// (wss://) address of a path on the server under test, from its http:// (https://) URL.</summary>
internal static class WebSocketUrls
{
    public static Uri Of(string httpUrl, string pathAndQuery) => new($"{httpUrl.Replace("http", "ws", StringComparison.Ordinal)}{pathAndQuery}");
}
