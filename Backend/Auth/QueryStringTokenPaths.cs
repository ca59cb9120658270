namespace RoleplayHub.Auth;

/// <summary>
/// The paths where a bearer token may come as <c>?access_token=</c>: browsers cannot put headers on a WebSocket or
/// an EventSource, so a feature that serves those adds its path (<see cref="AuthenticationExtensions.AllowQueryStringToken"/>).
/// Everywhere else a token in the query string is ignored: URLs end up in logs.
/// </summary>
public sealed class QueryStringTokenPaths
{
    private readonly List<PathString> _paths = [];

    public void Add(PathString path) => _paths.Add(path);

    public bool Allows(PathString requestPath) => _paths.Exists(requestPath.StartsWithSegments);
}
