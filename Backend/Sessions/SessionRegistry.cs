using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RoleplayHub.Core;

namespace RoleplayHub.Sessions;

/// <summary>
/// The node's sessions by id, who owns each, and the limits on how many there are. Invariant: a user only ever sees
/// their own sessions — another user's is reported exactly like a missing one, so ids never leak across users — and
/// holds at most <c>Sessions:MaxSessionsPerUser</c> of the node's <c>Sessions:MaxSessions</c>. An ended session is
/// remembered for <c>Sessions:EndedSessionMemory</c>, so late calls hear <c>session-ended</c>.
/// </summary>
public sealed partial class SessionRegistry(IOptions<RoleplaySessionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RoleplaySession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EndedSession> _ended = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _userGate = new();
    private readonly RoleplaySessionOptions _options = options.Value;

    public int Count => _sessions.Count;

    public IEnumerable<RoleplaySession> All => _sessions.Values;

    public static bool IsValidId(string id) => SessionIdPattern().IsMatch(id);

    public bool TryGet(string id, out RoleplaySession? session) => _sessions.TryGetValue(id, out session);

    public bool TryGetEnded(string id, out string userId, out string reason)
    {
        var found = _ended.TryGetValue(id, out var ended);
        (userId, reason) = found ? (ended!.UserId, ended.Reason) : ("", "");
        return found;
    }

    public bool TryAdd(RoleplaySession session) => _sessions.TryAdd(session.Id, session);

    /// <summary>A session that never started: it leaves the registry and its user's count, and is not remembered.</summary>
    public void Discard(RoleplaySession session)
    {
        _sessions.TryRemove(new KeyValuePair<string, RoleplaySession>(session.Id, session));
        ReleaseUserSlot(session.UserId);
    }

    /// <summary>The session has ended: it leaves the registry and its user's count, and is remembered as ended.</summary>
    public void Remove(RoleplaySession session, SessionEndReason reason)
    {
        _sessions.TryRemove(session.Id, out _);
        ReleaseUserSlot(session.UserId);
        _ended[session.Id] = new EndedSession(session.UserId, reason.ToWire(), time.GetTimestamp());
    }

    /// <summary>The caller's session <paramref name="sessionId"/>, active (and attached to this connection unless
    /// <paramref name="requireAttached"/> is false), or why not.</summary>
    public ClientError? FindOwned(ClientConnection connection, string? sessionId, out RoleplaySession? session, bool requireAttached = true)
    {
        var error = FindActive(connection.UserId, sessionId, out session);
        if (error is null && requireAttached && !ReferenceEquals(session!.Connection, connection))
        {
            session = null;
            return new ClientError(ErrorCodes.SessionNotAttached,
                $"Session {ClientError.Echo(sessionId)} is not attached to this connection; call start-session with this sessionId to resume it here.", false);
        }

        return error;
    }

    /// <summary>The user's active session <paramref name="sessionId"/>, wherever it is attached, or why not.</summary>
    public ClientError? FindActive(string userId, string? sessionId, out RoleplaySession? session)
    {
        session = null;
        if (string.IsNullOrEmpty(sessionId))
        {
            return ClientError.InvalidRequest("sessionId is required.");
        }

        if (!_sessions.TryGetValue(sessionId, out var found) || found.UserId != userId)
        {
            return _ended.TryGetValue(sessionId, out var ended) && ended.UserId == userId
                ? ClientError.SessionEnded(sessionId, ended.Reason)
                : ClientError.SessionNotFound(sessionId);
        }

        if (!found.IsActive)
        {
            return ClientError.SessionEnded(sessionId, found.EndReason?.ToWire() ?? "ending");
        }

        session = found;
        return null;
    }

    /// <summary>Counts a new session of <paramref name="userId"/>, or says which limit refuses it.</summary>
    public ClientError? ReserveUserSlot(string userId)
    {
        lock (_userGate)
        {
            var count = _perUser.GetValueOrDefault(userId);
            if (count >= _options.MaxSessionsPerUser)
            {
                return new ClientError(ErrorCodes.SessionLimit,
                    $"You already have {count} open sessions (the limit is {_options.MaxSessionsPerUser}); end one first.", false);
            }

            if (_sessions.Count >= _options.MaxSessions)
            {
                return new ClientError(ErrorCodes.ServerBusy, $"The server is at its limit of {_options.MaxSessions} sessions; try again shortly.", true);
            }

            _perUser[userId] = count + 1;
            return null;
        }
    }

    public void ReleaseUserSlot(string userId)
    {
        lock (_userGate)
        {
            var count = _perUser.GetValueOrDefault(userId) - 1;
            if (count <= 0)
            {
                _perUser.Remove(userId);
            }
            else
            {
                _perUser[userId] = count;
            }
        }
    }

    /// <summary>Forgets ended sessions older than <c>Sessions:EndedSessionMemory</c>.</summary>
    public void ForgetOldEnded()
    {
        var now = time.GetTimestamp();
        foreach (var (id, ended) in _ended)
        {
            if (time.GetElapsedTime(ended.EndedTimestamp, now) >= _options.EndedSessionMemory)
            {
                _ended.TryRemove(id, out _);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex SessionIdPattern();

    private sealed record EndedSession(string UserId, string Reason, long EndedTimestamp);
}
