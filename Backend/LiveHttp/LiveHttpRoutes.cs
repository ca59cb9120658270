namespace RoleplayHub.LiveHttp;

/// <summary>Where live sessions over HTTP are served.</summary>
public static class LiveHttpRoutes
{
    public const string Prefix = "/api/live-sessions";

    /// <summary><c>/api/live-sessions/{id}/events</c>, exactly: the one path that takes <c>?access_token=</c>, because an
    /// EventSource cannot send an Authorization header.</summary>
    public static bool IsEventStream(PathString path) =>
        path.StartsWithSegments(Prefix, out var rest) && rest.Value?.Split('/') is ["", { Length: > 0 }, "events"];
}
