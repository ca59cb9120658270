using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Sessions;

/// <summary>The event log's invariant: each event the next seq, the last few kept, and a client sees each seq once,
/// in order, whether it stayed, left or came back.</summary>
public sealed class SessionEventLogTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly RecordingClients _clients = new();
    private readonly ClientConnection _first = Connection("c1");
    private int _graceExpired;

    [Fact]
    public async Task EventsAreNumberedAndSentToTheAttachedConnection()
    {
        using var log = Log(keep: 4);

        await log.EmitAsync(Reply(1));
        await log.EmitAsync(Reply(2));

        Assert.Equal([("c1", 1L), ("c1", 2L)], _clients.Events);
        Assert.Equal(2, log.LastSeq);
    }

    [Fact]
    public async Task EventsRaisedWhileAwayAreReplayedInOrderOnResume()
    {
        using var log = Log(keep: 4);
        await log.EmitAsync(Reply(1));
        log.Detach(_first);
        await log.EmitAsync(Reply(2));
        await log.EmitAsync(Reply(3));
        var second = Connection("c2");

        var replay = log.Attach(second, lastSeq: 1);
        await log.ReplayAsync(second);
        await log.EmitAsync(Reply(4));

        Assert.True(replay);
        Assert.Equal([("c1", 1L), ("c2", 2L), ("c2", 3L), ("c2", 4L)], _clients.Events);
    }

    [Fact]
    public async Task EventsNoLongerKeptAreAnnouncedAsMissed()
    {
        using var log = Log(keep: 2);
        log.Detach(_first);
        for (var turn = 1; turn <= 5; turn++)
        {
            await log.EmitAsync(Reply(turn));
        }

        log.Attach(Connection("c2"), lastSeq: 0);
        await log.ReplayAsync(Connection("c2"));

        Assert.Equal([4L, 5L], _clients.Events.Select(e => e.Seq));
        Assert.Equal(ErrorCodes.EventsMissed, Assert.Single(_clients.Notices).Code);
    }

    [Fact]
    public async Task APartialTranscriptIsNeitherNumberedNorKept()
    {
        using var log = Log(keep: 4);

        await log.EmitPartialAsync(new TurnTranscript(1, "hel", false, null, TurnTimings.None));
        log.Detach(_first);
        await log.EmitPartialAsync(new TurnTranscript(1, "hello", false, null, TurnTimings.None));

        Assert.Equal(["hel"], _clients.Partials);
        Assert.Equal(0, log.LastSeq);
    }

    [Fact]
    public void AClientThatDoesNotComeBackWithinTheGraceEndsTheSession()
    {
        using var log = Log(keep: 4);

        log.Detach(_first);
        _clock.Advance(TimeSpan.FromSeconds(59));
        var before = _graceExpired;
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((0, 1), (before, _graceExpired));
    }

    private SessionEventLog Log(int keep) =>
        new("s1", _first, new RoleplaySessionOptions { ReplayEvents = keep, ReconnectGrace = TimeSpan.FromSeconds(60) }, _clients, _clock, () => _graceExpired++);

    private static ClientConnection Connection(string id) => new(id, "alice", new TokenBucket(10, 10, TimeProvider.System));

    private static TurnReply Reply(int turn) => new(turn, "Fine.", turn, 8, TurnTimings.None);

    private sealed class RecordingClients : ISessionClients
    {
        public List<(string ConnectionId, long Seq)> Events { get; } = [];

        public List<string> Partials { get; } = [];

        public List<ClientError> Notices { get; } = [];

        public Task SendEventAsync(string connectionId, string sessionId, SessionEvent evt)
        {
            Events.Add((connectionId, evt.Seq));
            return Task.CompletedTask;
        }

        public Task SendPartialAsync(string connectionId, string sessionId, TurnEvent partial, long timestamp)
        {
            Partials.Add(((TurnTranscript)partial).Text);
            return Task.CompletedTask;
        }

        public Task SendNoticeAsync(string connectionId, string? sessionId, ClientError error, long timestamp)
        {
            Notices.Add(error);
            return Task.CompletedTask;
        }

        public Task SendStartedAsync(string connectionId, SessionStart started) => Task.CompletedTask;

        public Task SendEndedAsync(string connectionId, SessionEnd ended) => Task.CompletedTask;
    }
}
