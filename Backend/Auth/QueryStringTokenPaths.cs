namespace RoleplayHub.Auth;

/// <summary>
/// The paths where a bearer token may come as <c>?access_token=</c>: browsers cannot put headers on a WebSocket or
/// an EventSource, so a feature that serves those adds its path (<see cref="AuthenticationExtensions.AllowQueryStringToken(IServiceCollection, PathString)"/>),
/// or a rule for a path with a parameter in it. Everywhere else a token in the query string is ignored: URLs end up in logs.
/// </summary>
public sealed class QueryStringTokenPaths
{
    private readonly List<Func<PathString, bool>> _rules = [];

    public void Add(PathString path) => _rules.Add(requestPath => requestPath.StartsWithSegments(path));

    public void Add(Func<PathString, bool> matches) => _rules.Add(matches);

    public bool Allows(PathString requestPath) => _rules.Exists(matches => matches(requestPath));
}
