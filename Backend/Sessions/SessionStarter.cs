using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Sessions;

/// <summary>
/// Opens a session, or resumes one on a new connection. Invariant: a new session either starts whole — registered,
/// journalled, announced with <c>session-started</c>, then its worker running — or leaves nothing behind (no slot, no
/// decoder, no recogniser); and <c>session-started</c> always reaches the client before the persona's opening line.
/// </summary>
public sealed partial class SessionStarter(
    SessionRegistry registry,
    SessionEnder ender,
    ScenarioCatalog scenarios,
    TurnWorkers workers,
    ISessionClients clients,
    ISessionJournal journal,
    RecordedSessions recordedSessions,
    ISessionOwnership ownership,
    KickedUsers kicked,
    NodeAdmission admission,
    RoleplayMetrics metrics,
    AudioBlockPool blocks,
    IOptions<RoleplaySessionOptions> options,
    TimeProvider time,
    ILogger<SessionStarter> logger)
{
    private readonly RoleplaySessionOptions _options = options.Value;

    public async Task<StartOutcome> StartAsync(ClientConnection connection, StartRequest request)
    {
        if (kicked.Refusal(connection.UserId) is { } refused)
        {
            return refused;
        }

        if (request.AudioAck is not (null or AudioAcks.Event or AudioAcks.Completion))
        {
            return ClientError.InvalidRequest(
                $"audioAck must be '{AudioAcks.Event}' (an audio-received event per chunk, the default) or '{AudioAcks.Completion}' (the audio-chunk invocation's result).");
        }

        if (request.AudioAckEvery is { } every && (every is < 1 or > AudioAcks.MaxEvery || (every > 1 && request.AudioAck == AudioAcks.Completion)))
        {
            return ClientError.InvalidRequest(
                $"audioAckEvery must be 1–{AudioAcks.MaxEvery} chunks, and more than 1 only with audioAck '{AudioAcks.Event}' (every completion carries its acknowledgement).");
        }

        var outcome = await StartOrResumeAsync(connection, request);
        if (outcome.Started is { } started && registry.TryGet(started.SessionId, out var session))
        {
            session!.AcknowledgeChunks(request.AudioAck == AudioAcks.Completion, request.AudioAckEvery ?? 1);
        }

        return outcome;
    }

    private async Task<StartOutcome> StartOrResumeAsync(ClientConnection connection, StartRequest request)
    {
        if (ender.IsStopping)
        {
            return new ClientError(ErrorCodes.ServerBusy, "The service is shutting down; reconnect in a moment.", true);
        }

        if (request.SessionId is { } requestedId)
        {
            if (!SessionRegistry.IsValidId(requestedId))
            {
                return ClientError.InvalidRequest("sessionId must be 1–64 characters of letters, digits, '.', '_', ':' or '-'.");
            }

            if (registry.TryGet(requestedId, out var existing))
            {
                return existing!.UserId == connection.UserId ? await ResumeAsync(existing, connection, request) : InUse(requestedId);
            }

            if (registry.TryGetEnded(requestedId, out var endedBy, out var reason))
            {
                return endedBy == connection.UserId ? ClientError.SessionEnded(requestedId, reason) : InUse(requestedId);
            }
        }

        // A node over its CPU takes no new session, and refuses it before it costs anything (a claim, a plan);
        // a resume is always taken, here or restored from a lost node: a trainee in a drill keeps it.
        var resumes = request.SessionId is not null && request.LastSeq is not null;
        if (!resumes && admission.Refusal() is { } busy)
        {
            return busy;
        }

        // Claimed before anything else is checked: a resume of a session another node runs is refused as such, not as
        // a start without a scenario. Every refusal after this gives the claim back.
        var id = request.SessionId ?? Guid.CreateVersion7().ToString();
        if (await ownership.ClaimAsync(id, CancellationToken.None) is { } claimError)
        {
            return claimError;
        }

        StartOutcome outcome;
        try
        {
            outcome = resumes
                ? await UnknownResumeAsync(connection, request, id)
                : await StartNewAsync(connection, request, id);
        }
        catch
        {
            ReleaseUnlessRunning(id);
            throw;
        }

        if (outcome.Error is not null)
        {
            ReleaseUnlessRunning(id);
        }

        return outcome;
    }

    // A resume of a session no live node runs: restored here when another node ran it and is gone (scale-out), else
    // (this node restarted, or the session ended) told what became of it rather than started anew under its id.
    private async Task<StartOutcome> UnknownResumeAsync(ClientConnection connection, StartRequest request, string id)
    {
        var recorded = await recordedSessions.FindLatestAsync(id, connection.UserId, CancellationToken.None);
        if (ownership.RestoresLostSessions && recorded?.Lost is { } lost
            && await TryRestoreAsync(connection, id, lost, Math.Clamp(request.LastSeq!.Value, 0, MaxSeq)) is { } restored)
        {
            return restored;
        }

        return recorded is not null
            ? ClientError.SessionEnded(id, recorded.EndReason)
            : new ClientError(ErrorCodes.SessionNotFound, $"No session {ClientError.Echo(id)} to resume: start a new one (omit lastSeq).", false);
    }

    // A restored session numbers on from the client's lastSeq: kept within what a JavaScript client counts exactly, so
    // a bogus one can neither wrap the count nor make it negative.
    private const long MaxSeq = 1L << 53;

    // Two starts of one id on this node share the claim: the one refused as a duplicate must not drop the other's.
    private void ReleaseUnlessRunning(string id)
    {
        if (!registry.TryGet(id, out _))
        {
            ownership.Release(id);
        }
    }

    private async Task<StartOutcome> StartNewAsync(ClientConnection connection, StartRequest request, string id)
    {
        var scenario = scenarios.Find(request.ScenarioId);
        if (scenario is null)
        {
            var available = string.Join(", ", scenarios.All.Select(s => s.Id).Order());
            return new ClientError(ErrorCodes.UnknownScenario,
                request.ScenarioId is null ? $"scenarioId is required. Available: {available}." : $"Unknown scenarioId {ClientError.Echo(request.ScenarioId)}. Available: {available}.", false);
        }

        var language = string.IsNullOrWhiteSpace(request.Language) ? scenario.DefaultLanguage : request.Language.Trim();
        var variant = scenario.FindVariant(language);
        if (variant is null)
        {
            return new ClientError(ErrorCodes.UnsupportedLanguage,
                $"Scenario '{scenario.Id}' is not available in {ClientError.Echo(language)}; it is available in {string.Join(", ", scenario.Variants.Keys)}.", false);
        }

        return await StartOnEngineAsync(connection, request, id, scenario, variant, fellBackFrom: null);
    }

    // fellBackFrom: why the engine the session asked for could not open it, when this start is on its fallback.
    // restored: where the session stood on a lost node, when this start restores it.
    private async Task<StartOutcome> StartOnEngineAsync(ClientConnection connection, StartRequest request, string id, Scenario scenario, ScenarioVariant variant, string? fellBackFrom,
        SessionProgress? restored = null)
    {
        await using var plan = workers.Plan(scenario.Id, variant.Language, request.Engine, out var planError);
        if (plan is null)
        {
            return planError;
        }

        if (!AudioFormat.TryParse(request.Encoding, request.SampleRate, request.Channels, out var format, out var formatError))
        {
            return new ClientError(ErrorCodes.UnsupportedAudioFormat, formatError, false);
        }

        if (plan.UseFormat(format) is { } decoderError)
        {
            return decoderError;
        }

        if (plan.UseTurnDetection(request.TurnDetection, _options.MaxUtterance) is { } detectionError)
        {
            return detectionError;
        }

        if (registry.ReserveUserSlot(connection.UserId) is { } limitError)
        {
            return limitError;
        }

        if (plan.ReserveRecognizer(new RecognizerRequest(id, connection.UserId, variant.Language, variant.Phrases, variant.Grammar)) is { } sttError)
        {
            registry.ReleaseUserSlot(connection.UserId);
            return sttError;
        }

        var identity = new SessionIdentity(id, scenario, variant, format, request.ModelProfile, request.IdleFlush ?? true, plan.TurnDetection, plan.Engine)
        {
            Warnings = [.. new[] { fellBackFrom, plan.WarnAbout(format) }.OfType<string>()],
            WarnAboutFormat = plan.WarnAbout,
            Restored = restored,
        };
        var session = new RoleplaySession(identity,
            connection, _options, blocks, clients, ender, time);
        if (!registry.TryAdd(session))
        {
            registry.ReleaseUserSlot(connection.UserId);
            session.Dispose();
            return InUse(id);
        }

        ClientError? aiError;
        try
        {
            aiError = await plan.OpenConversationAsync(new ConversationSetup(id, scenario, variant, request.ModelProfile), CancellationToken.None);
        }
        catch
        {
            Discard(session); // a bug here must not leak the session or its user's slot
            throw;
        }

        if (aiError is { } refused)
        {
            Discard(session);
            return plan.FallbackEngine is { } fallback && fellBackFrom is null && restored is null
                ? await FallBackAsync(connection, request, id, scenario, variant, plan.Engine, fallback, refused)
                : refused;
        }

        connection.Add(session);
        if (restored is null)
        {
            journal.SessionStarted(new SessionStartRecord(session.HistoryKey, id, connection.UserId, scenario.Id, variant.Persona.Name,
                variant.Language, format.WireName, plan.Engine == CascadedWorkerPlan.Name ? request.ModelProfile : plan.Engine, session.StartedAt, format.SampleRate, format.Channels,
                RestorableStart.Of(identity, request).ToJson()));
            metrics.SessionsStarted.Add(1);
        }

        var started = Describe(session, resumed: restored is not null);
        await clients.SendStartedAsync(connection.ConnectionId, started);
        if (restored is not null)
        {
            await TellEventsMissedAsync(connection, session, restored);
        }

        session.Worker = plan.Start(session); // only now: session-started reaches the client before the opening line
        LogStarted(id, connection.UserId, scenario.Id, variant.Language, format.WireName);
        return started;
    }

    // The session runs on the fallback engine, told why in session-started; when the fallback cannot run it either
    // (no recogniser for the language), the client gets the first engine's refusal, which is the one to act on.
    private async Task<StartOutcome> FallBackAsync(ClientConnection connection, StartRequest request, string id, Scenario scenario, ScenarioVariant variant,
        string engine, string fallback, ClientError refused)
    {
        LogFallback(engine, refused.Code, fallback);
        var why = $"The {engine} engine could not start this session ({refused.Code}: {refused.Message}); it runs on the {fallback} engine instead.";
        var outcome = await StartOnEngineAsync(connection, request with { Engine = fallback }, id, scenario, variant, why);
        return outcome.Error is null ? outcome : refused;
    }

    private async Task<StartOutcome> ResumeAsync(RoleplaySession session, ClientConnection connection, StartRequest request)
    {
        if (!session.IsActive)
        {
            return ClientError.SessionEnded(session.Id, session.EndReason?.ToWire() ?? "ending");
        }

        if (request.ScenarioId is not null && request.ScenarioId != session.Scenario.Id)
        {
            return ClientError.InvalidRequest($"Session '{session.Id}' is a '{session.Scenario.Id}' session; resume it without a different scenarioId.");
        }

        if (request.HasAudioFormat && (!AudioFormat.TryParse(request.Encoding, request.SampleRate, request.Channels, out var format, out _) || format != session.Format))
        {
            return ClientError.InvalidRequest($"Session '{session.Id}' streams {session.Format.WireName} at {session.Format.SampleRate} Hz; resume it with the same audioFormat.");
        }

        var previous = session.Connection;
        if (previous is not null && !ReferenceEquals(previous, connection))
        {
            previous.Remove(session);
            if (!previous.IsClosed)
            {
                _ = clients.SendNoticeAsync(previous.ConnectionId, session.Id,
                    new ClientError(ErrorCodes.SessionNotAttached, "This session was resumed on another connection.", false), Now);
            }
        }

        var replay = session.Attach(connection, request.LastSeq);
        connection.Add(session);
        var started = Describe(session, resumed: true);
        await clients.SendStartedAsync(connection.ConnectionId, started);
        if (replay)
        {
            _ = session.ReplayAsync(connection);
        }

        LogResumed(session.Id, session.ReceivedBytes);
        return started;
    }

    // A session refused after it was registered: it goes as if it had never been (its id may be asked for again).
    private void Discard(RoleplaySession session)
    {
        registry.Discard(session);
        session.Dispose();
    }

    private SessionStart Describe(RoleplaySession session, bool resumed)
    {
        var persona = session.Variant.Persona;
        var voice = persona.Voice.Describe(scenarios.VoiceProviders);
        return new SessionStart(session.Id, session.Scenario.Id, session.Language, session.MaxTurns,
            new PersonaSummary(persona.Name, persona.Role, persona.Description, voice),
            session.AudioSettings,
            session.TurnDetection, resumed, session.ReceivedBytes, session.TurnCount, Now, session.Engine)
        {
            Warnings = session.Warnings,
        };
    }

    private static ClientError InUse(string id) =>
        new(ErrorCodes.SessionExists, $"sessionId {ClientError.Echo(id)} is already in use; choose another or omit it.", false);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(LogLevel.Information, "Session {SessionId} started by {UserId}: scenario {ScenarioId}, {Language}, {Format}")]
    private partial void LogStarted(string sessionId, string userId, string scenarioId, string language, string format);

    [LoggerMessage(LogLevel.Warning, "The {Engine} engine could not start a session ({Code}); it runs on the {Fallback} engine")]
    private partial void LogFallback(string engine, string code, string fallback);

    [LoggerMessage(LogLevel.Information, "Session {SessionId} resumed at byte {ReceivedBytes}")]
    private partial void LogResumed(string sessionId, long receivedBytes);
}

/// <summary>Either the session that started (or resumed) or the error that refused it.</summary>
public readonly record struct StartOutcome(SessionStart? Started, ClientError? Error)
{
    public static implicit operator StartOutcome(SessionStart started) => new(started, null);

    public static implicit operator StartOutcome(ClientError error) => new(null, error);
}
