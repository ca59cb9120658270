using System.Text.Json;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Hubs.Transport;

/// <summary>
/// Holds every request on the hub's path to the user who negotiated its connection: a request for someone else's
/// connection (<c>?id=</c>, any transport, a send or a poll) is refused with 403 and logged, so one user can neither
/// send on nor take over another's connection. Negotiation is also where the per-user connection cap applies (429).
/// Runs after authorization, so anonymous requests have already been answered 401.
/// </summary>
internal sealed partial class ConnectionOwnership(RequestDelegate next, ConnectionOwners owners, IOptions<HubLimitsOptions> limits, ILogger<ConnectionOwnership> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(user))
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true)
        {
            await NegotiateAsync(context, user);
            return;
        }

        var token = context.Request.Query["id"];
        if (token.Count > 0 && owners.OwnerOf(token[0]!) is { } owner && owner != user)
        {
            LogForeignConnection(user, owner, context.Request.Method);
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your connection",
                detail: "This connection was negotiated by another user; negotiate your own.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private async Task NegotiateAsync(HttpContext context, string user)
    {
        var cap = limits.Value.MaxConnectionsPerUser;
        if (owners.CountFor(user) >= cap)
        {
            LogConnectionCap(user, cap);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many connections",
                detail: $"You have {cap} connections open (Hub:MaxConnectionsPerUser); close one first.").ExecuteAsync(context);
            return;
        }

        // The response names the connection's token; read it on its way out (a few hundred bytes, once per connection).
        var body = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && Read(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)) is var (connectionId, connectionToken))
        {
            owners.Negotiated(connectionToken, connectionId, user);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }

    private static (string ConnectionId, string ConnectionToken)? Read(ReadOnlyMemory<byte> negotiate)
    {
        try
        {
            using var document = JsonDocument.Parse(negotiate);
            var root = document.RootElement;
            var id = root.TryGetProperty("connectionId", out var idValue) ? idValue.GetString() : null;
            // Negotiate version 0 has no separate token: the id is used in the URLs.
            var token = root.TryGetProperty("connectionToken", out var tokenValue) ? tokenValue.GetString() : id;
            return id is null || token is null ? null : (id, token);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Method} on a connection of user {Owner} by user {User}")]
    private partial void LogForeignConnection(string user, string owner, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a negotiation of user {User}: {Cap} connections open")]
    private partial void LogConnectionCap(string user, int cap);
}
