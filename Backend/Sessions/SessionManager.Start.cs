using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Sessions;

/// <summary>Opening a session, or resuming one on a new connection.</summary>
public sealed partial class SessionManager
{
    public async Task<StartOutcome> StartSessionAsync(ClientConnection connection, StartSessionRequest? request)
    {
        if (_stopping)
        {
            return new ClientError(ErrorCodes.ServerBusy, "The service is shutting down; reconnect in a moment.", true);
        }

        if (request is null)
        {
            return ClientError.InvalidRequest("start-session needs a payload such as { \"scenarioId\": \"procurement-price\" }.");
        }

        if (request.BindingError is { } bindingError)
        {
            return ClientError.InvalidRequest($"start-session: {bindingError}");
        }

        if (request.SessionId is { } requestedId)
        {
            if (!SessionIdPattern().IsMatch(requestedId))
            {
                return ClientError.InvalidRequest("sessionId must be 1–64 characters of letters, digits, '.', '_', ':' or '-'.");
            }

            if (_sessions.TryGetValue(requestedId, out var existing))
            {
                return existing.UserId == connection.UserId
                    ? await ResumeAsync(existing, connection, request)
                    : new ClientError(ErrorCodes.SessionExists, $"sessionId {ClientError.Echo(requestedId)} is already in use; choose another or omit it.", false);
            }

            if (_ended.TryGetValue(requestedId, out var ended))
            {
                return ended.UserId == connection.UserId
                    ? ClientError.SessionEnded(requestedId, ended.Reason)
                    : new ClientError(ErrorCodes.SessionExists, $"sessionId {ClientError.Echo(requestedId)} is already in use; choose another or omit it.", false);
            }
        }

        var scenario = _scenarios.Find(request.ScenarioId);
        if (scenario is null)
        {
            var available = string.Join(", ", _scenarios.All.Select(s => s.Id).Order());
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

        var stt = _providers.FindSpeechToText(variant.Language, out var sttError);
        if (stt is null)
        {
            return new ClientError(ErrorCodes.UnsupportedLanguage, sttError, false);
        }

        var tts = _providers.FindAvatarSpeech(variant.Language, out var ttsError);
        if (tts is null)
        {
            return new ClientError(ErrorCodes.UnsupportedLanguage, ttsError, false);
        }

        if (!AudioFormat.TryParse(request.AudioFormat?.Encoding, request.AudioFormat?.SampleRate, request.AudioFormat?.Channels, out var format, out var formatError))
        {
            return new ClientError(ErrorCodes.UnsupportedAudioFormat, formatError, false);
        }

        var decoder = _decoders.Create(format, out var decoderError);
        if (decoder is null)
        {
            return new ClientError(ErrorCodes.UnsupportedAudioFormat, decoderError, false);
        }

        if (ReserveUserSlot(connection.UserId) is { } limitError)
        {
            await decoder.DisposeAsync();
            return limitError;
        }

        var id = request.SessionId ?? Guid.CreateVersion7().ToString();
        ISpeechRecognizer recognizer;
        try
        {
            recognizer = stt.CreateRecognizer(new RecognizerRequest(id, connection.UserId, variant.Language, variant.Phrases, variant.Grammar));
        }
        catch (SpeechCapacityException ex)
        {
            ReleaseUserSlot(connection.UserId);
            await decoder.DisposeAsync();
            return new ClientError(ErrorCodes.SttUnavailable, ex.Message, true);
        }

        var session = new RoleplaySession(id, connection, scenario, variant, format, request.ModelProfile, _options, _blocks, _time)
        {
            MediaBaseUrl = connection.PublicBaseUrl,
            IdleFlush = request.IdleFlush ?? true,
        };
        if (!_sessions.TryAdd(id, session))
        {
            ReleaseUserSlot(connection.UserId);
            await recognizer.DisposeAsync();
            await decoder.DisposeAsync();
            session.Dispose();
            return new ClientError(ErrorCodes.SessionExists, $"sessionId '{id}' is already in use; choose another or omit it.", false);
        }

        IRoleplayConversation conversation;
        try
        {
            conversation = _ai.StartConversation(new ConversationSetup(id, scenario, variant, request.ModelProfile));
        }
        catch (Exception ex)
        {
            // Nothing of the half-made session may linger: a bug here must not leak a decoder or a user's slot.
            _sessions.TryRemove(id, out _);
            ReleaseUserSlot(connection.UserId);
            await recognizer.DisposeAsync();
            await decoder.DisposeAsync();
            session.Dispose();
            if (ex is AiProviderException provider)
            {
                return new ClientError(ErrorCodes.AiFailed, provider.Message, provider.Retryable);
            }

            throw;
        }

        connection.Add(session);
        _pipeline.Journal.SessionStarted(new SessionStartRecord(
            session.HistoryKey,
            id, connection.UserId, scenario.Id, variant.Persona.Name, variant.Language, format.WireName, request.ModelProfile, session.StartedAt, format.SampleRate, format.Channels));
        _metrics.SessionsStarted.Add(1);

        var started = Describe(session, resumed: false);
        await _notifier.SendSessionStartedAsync(connection.ConnectionId, started);

        // Only now does the worker start, so session-started reaches the client before the opening line.
        var pipeline = new TurnPipeline(session, decoder, recognizer, tts, conversation, _pipeline);
        session.Worker = Task.Run(pipeline.RunAsync);
        LogStarted(id, connection.UserId, scenario.Id, variant.Language, format.WireName);
        return started;
    }

    private async Task<StartOutcome> ResumeAsync(RoleplaySession session, ClientConnection connection, StartSessionRequest request)
    {
        if (!session.IsActive)
        {
            return ClientError.SessionEnded(session.Id, session.EndReason?.ToWire() ?? "ending");
        }

        if (request.ScenarioId is not null && request.ScenarioId != session.Scenario.Id)
        {
            return ClientError.InvalidRequest($"Session '{session.Id}' is a '{session.Scenario.Id}' session; resume it without a different scenarioId.");
        }

        if (request.AudioFormat is not null && (!AudioFormat.TryParse(request.AudioFormat.Encoding, request.AudioFormat.SampleRate, request.AudioFormat.Channels, out var format, out _) || format != session.Format))
        {
            return ClientError.InvalidRequest($"Session '{session.Id}' streams {session.Format.WireName} at {session.Format.SampleRate} Hz; resume it with the same audioFormat.");
        }

        var previous = session.Connection;
        if (previous is not null && !ReferenceEquals(previous, connection))
        {
            previous.Remove(session);
            if (!previous.IsClosed)
            {
                _ = _notifier.SendDirectErrorAsync(previous.ConnectionId, session.Id,
                    new ClientError(ErrorCodes.SessionNotAttached, "This session was resumed on another connection.", false));
            }
        }

        var replay = session.Attach(connection, request.LastSeq);
        connection.Add(session);
        var started = Describe(session, resumed: true);
        await _notifier.SendSessionStartedAsync(connection.ConnectionId, started);
        if (replay)
        {
            _ = _notifier.ReplayAsync(session, connection);
        }

        LogResumed(session.Id, session.ReceivedBytes);
        return started;
    }

    private SessionStartedEvent Describe(RoleplaySession session, bool resumed)
    {
        var persona = session.Variant.Persona;
        var voice = persona.Voice.Describe(_scenarios.VoiceProviders);
        return new SessionStartedEvent(
            session.Id,
            session.Scenario.Id,
            session.Language,
            session.MaxTurns,
            new PersonaInfo(persona.Name, persona.Role, persona.Description, voice),
            new AudioConfig(session.Format.WireName, session.Format.SampleRate, session.Format.Channels, _options.ChunkMs,
                _options.MaxChunkBytes, session.FlushBytes, session.IdleFlush ? (int)_options.FlushIdle.TotalMilliseconds : 0),
            resumed,
            session.ReceivedBytes,
            session.TurnCount,
            _notifier.Now);
    }
}
