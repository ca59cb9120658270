using Microsoft.Extensions.Options;
using RoleplayHub.Core;

namespace RoleplayHub.Sessions;

/// <summary>
/// An admin's kick of one user, on every node: their sessions end (<c>session-ended</c>, reason <c>admin</c>), each of
/// their connections hears a <c>kicked</c> error and is closed, and for <c>Sessions:KickBlock</c> they can neither
/// connect nor start or resume a session (<see cref="KickedUsers"/>). Other nodes hear it through
/// <see cref="ISessionOwnership.KickElsewhereAsync"/> (Redis when scaled out).
/// </summary>
public sealed partial class UserKicks(
    SessionManager sessions, SessionEnder ender, KickedUsers kicked, ISessionClients clients, ISessionOwnership ownership,
    IOptions<RoleplaySessionOptions> options, TimeProvider time, ILogger<UserKicks> logger)
{
    // The session-ended events go out before the connections close; a session whose end takes longer (its coaching
    // report) does not hold the kick up.
    private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(2);

    /// <summary>Kicks <paramref name="userId"/> here and asks the other nodes to; returns what became of that request.</summary>
    public async Task<EndForwarding> KickAsync(string userId, CancellationToken cancellationToken)
    {
        await KickHereAsync(userId);
        return await ownership.KickElsewhereAsync(userId, cancellationToken);
    }

    /// <summary>Kicks <paramref name="userId"/> on this node only (another node forwarded the kick).</summary>
    public async Task KickHereAsync(string userId)
    {
        kicked.Block(userId);
        var ending = sessions.SessionsOf(userId).Select(s => ender.EndAsync(s, SessionEndReason.Admin)).ToList();
        try
        {
            await Task.WhenAll(ending).WaitAsync(EndWait, time);
        }
        catch (TimeoutException)
        {
        }

        var connections = sessions.ConnectionsOf(userId).ToList();
        var error = kicked.Refusal(userId) ?? new ClientError(ErrorCodes.Kicked, "An administrator closed your sessions and connections.", false);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var connection in connections)
        {
            await clients.SendNoticeAsync(connection.ConnectionId, null, error, now);
            connection.Close?.Invoke();
        }

        LogKicked(userId, ending.Count, connections.Count, options.Value.KickBlock.TotalMinutes);
    }

    [LoggerMessage(LogLevel.Information, "Kicked {User}: {Sessions} sessions ended, {Connections} connections closed here; blocked for {Minutes} min")]
    private partial void LogKicked(string user, int sessions, int connections, double minutes);
}
