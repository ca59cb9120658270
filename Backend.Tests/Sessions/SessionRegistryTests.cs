using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Scenarios;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Sessions;

/// <summary>The registry's invariant: a user only ever sees their own sessions, within their limits, and hears that
/// an ended one has ended.</summary>
public sealed class SessionRegistryTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly RoleplaySessionOptions _options = new() { MaxSessionsPerUser = 2, MaxSessions = 3, EndedSessionMemory = TimeSpan.FromMinutes(10) };
    private readonly SessionRegistry _registry;

    public SessionRegistryTests() => _registry = new SessionRegistry(Options.Create(_options), _clock);

    [Fact]
    public void AnotherUsersSessionIsReportedExactlyLikeAMissingOne()
    {
        var alice = Connection("alice");
        using var session = Register("s1", alice);

        var byMallory = _registry.FindOwned(Connection("mallory"), "s1", out _);
        var missing = _registry.FindOwned(Connection("mallory"), "s2", out _);
        var byAlice = _registry.FindOwned(alice, "s1", out var found);

        Assert.Equal(ErrorCodes.SessionNotFound, byMallory?.Code);
        Assert.Equal(missing?.Message.Replace("s2", "s1", StringComparison.Ordinal), byMallory?.Message);
        Assert.Null(byAlice);
        Assert.Same(session, found);
    }

    [Fact]
    public void AnEndedSessionIsRememberedAsEndedByItsOwnerOnlyAndThenForgotten()
    {
        var alice = Connection("alice");
        var session = Register("s1", alice);

        _registry.Remove(session, SessionEndReason.MaxTurns);
        session.Dispose();
        var byAlice = _registry.FindOwned(alice, "s1", out _);
        var byMallory = _registry.FindOwned(Connection("mallory"), "s1", out _);
        _clock.Advance(TimeSpan.FromMinutes(10));
        _registry.ForgetOldEnded();

        Assert.Equal(ErrorCodes.SessionEnded, byAlice?.Code);
        Assert.Contains("max-turns", byAlice?.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.SessionNotFound, byMallory?.Code);
        Assert.Equal(ErrorCodes.SessionNotFound, _registry.FindOwned(alice, "s1", out _)?.Code);
    }

    [Fact]
    public void UsersAndTheNodeAreHeldToTheirLimitsAndADiscardedSessionGivesItsSlotBack()
    {
        Assert.Null(_registry.ReserveUserSlot("alice"));
        Assert.Null(_registry.ReserveUserSlot("alice"));
        Assert.Equal(ErrorCodes.SessionLimit, _registry.ReserveUserSlot("alice")?.Code);

        using var s1 = Register("s1", Connection("bob"));
        using var s2 = Register("s2", Connection("carol"));
        using var s3 = Register("s3", Connection("dave"));
        Assert.Equal(ErrorCodes.ServerBusy, _registry.ReserveUserSlot("erin")?.Code);

        _registry.Discard(s3);
        Assert.Null(_registry.ReserveUserSlot("erin"));
        Assert.False(_registry.TryGetEnded("s3", out _, out _)); // never started: not remembered as ended
    }

    private RoleplaySession Register(string id, ClientConnection connection)
    {
        var variant = new ScenarioVariant
        {
            Language = "en-US", Title = "Drill", OpeningLine = "Hello.", SystemPrompt = "You test.", Persona = new Persona { Name = "Tess", Role = "Tester" },
        };
        var scenario = new Scenario { Id = "drill", MaxTurns = 8, DefaultLanguage = "en-US", Variants = new Dictionary<string, ScenarioVariant> { ["en-US"] = variant } };
        var session = new RoleplaySession(new SessionIdentity(id, scenario, variant, AudioFormat.Default, null, true, TurnDetection.Off), connection, _options,
            new AudioBlockPool(), new NoClients(), new NoEnder(), _clock);
        _registry.ReserveUserSlot(connection.UserId);
        Assert.True(_registry.TryAdd(session));
        connection.Add(session);
        return session;
    }

    private static ClientConnection Connection(string user) => new("c-" + user, user, new TokenBucket(10, 10, TimeProvider.System));

    private sealed class NoEnder : ISessionEnder
    {
        public void RequestEnd(RoleplaySession session, SessionEndReason reason)
        {
        }
    }

    private sealed class NoClients : ISessionClients
    {
        public Task SendEventAsync(string connectionId, string sessionId, SessionEvent evt) => Task.CompletedTask;

        public Task SendPartialAsync(string connectionId, string sessionId, TurnEvent partial, long timestamp) => Task.CompletedTask;

        public Task SendNoticeAsync(string connectionId, string? sessionId, ClientError error, long timestamp) => Task.CompletedTask;

        public Task SendStartedAsync(string connectionId, SessionStart started) => Task.CompletedTask;

        public Task SendEndedAsync(string connectionId, SessionEnd ended) => Task.CompletedTask;
    }
}
