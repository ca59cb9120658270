using System.Text;
using RoleplayHub.Audio;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Sessions;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// One session's worker: reads flushed audio from the session's queue, in order, and runs the turn —
/// decode → STT (partials while the user speaks, the final at the end of the utterance) → AI reply → avatar speech
/// per sentence → media store → events, with per-stage timings on every event and the turn in the journal.
/// It is the only code that touches the session's decoder, recogniser and conversation, so none of them need locks.
/// </summary>
internal sealed class TurnPipeline(
    RoleplaySession session,
    IAudioStreamDecoder decoder,
    ISpeechRecognizer recognizer,
    IAvatarSpeech avatarSpeech,
    IRoleplayConversation conversation,
    PipelineServices services)
{
    private readonly UtteranceRecorder _recorder = new(services.TempDirectory);
    private readonly List<string> _turnErrors = [];
    private AudioLevels _levels;
    private bool _utteranceHasAudio;
    private bool _utteranceBroken;
    private string _lastPartial = "";
    private int _nextTurn = 1;
    private PendingTurn? _retry;

    private SessionNotifier Notifier => services.Notifier;

    private long Now => services.Time.GetTimestamp();

    public async Task RunAsync()
    {
        var stopping = session.Stopping;
        try
        {
            if (!await StartAsync(stopping))
            {
                return;
            }

            var queue = session.Queue;
            while (await queue.WaitToReadAsync(stopping))
            {
                while (queue.TryRead(out var item))
                {
                    using (item)
                    {
                        await ProcessAsync(item, stopping);
                        session.Processed(item);
                    }

                    if (session.EndReason is SessionEndReason.MaxTurns or SessionEndReason.Error)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The session was stopped; whatever is queued is dropped with it.
        }
        catch (Exception ex)
        {
            services.Logger.LogError(ex, "Session {SessionId}: the pipeline failed", session.Id);
            await ReportAsync(HubError.Internal());
            services.EndSession(session, SessionEndReason.Error);
        }
        finally
        {
            await _recorder.DisposeAsync();
            await decoder.DisposeAsync();
            await recognizer.DisposeAsync();
            await conversation.DisposeAsync();
        }
    }

    private async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recognizer.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SpeechRecognitionException or DllNotFoundException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: speech recogniser failed to start", session.Id);
            await ReportAsync(new HubError(ErrorCodes.SttUnavailable, $"Speech recognition is unavailable: {ex.Message}", ex is SpeechRecognitionException { Retryable: true }));
            services.EndSession(session, SessionEndReason.Error);
            return false;
        }

        conversation.Commit(new AiTurn(0, session.MaxTurns, ""), session.Variant.OpeningLine);
        if (services.Sessions.SpeakOpeningLine)
        {
            await SpeakOpeningAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Turn 0: the persona opens the drill with the scenario's opening line.</summary>
    private async Task SpeakOpeningAsync(CancellationToken cancellationToken)
    {
        var started = Now;
        var startedAt = services.Time.GetUtcNow();
        var text = session.Variant.OpeningLine;
        await Notifier.SendAsync(session, SessionEventKind.AiResponse,
            new AiResponseEvent(session.Id, 0, text, 0, session.MaxTurns, new TurnTimings(null, null, 0, null, null, 0), Notifier.Now));
        var segments = await SpeakAsync(0, text, started, queueMs: null, sttMs: null, aiMs: 0, cancellationToken);
        services.Journal.TurnCompleted(new TurnRecord
        {
            HistoryKey = session.HistoryKey,
            SessionId = session.Id,
            Turn = 0,
            UserText = "",
            AiText = text,
            AvatarSegments = segments.Records,
            TtsMs = segments.TtsMs,
            StoreMs = segments.StoreMs,
            TotalMs = Ms(started, Now),
            Errors = [.. _turnErrors],
            StartedAt = startedAt,
            CompletedAt = services.Time.GetUtcNow(),
        });
        _turnErrors.Clear();
    }

    private async Task ProcessAsync(PipelineItem item, CancellationToken cancellationToken)
    {
        if (item.Kind == FlushKind.RetryTurn)
        {
            await RetryAsync(cancellationToken);
            return;
        }

        var pickedUp = Now;
        if (item.Segment.Length > 0 && !_utteranceBroken)
        {
            using var pcm = new PcmBuffer(Math.Max(4_096, item.Segment.Length));
            try
            {
                foreach (var block in item.Segment.Blocks)
                {
                    await decoder.DecodeAsync(block, pcm, cancellationToken);
                }
            }
            catch (AudioFormatException ex)
            {
                await BreakUtteranceAsync(ex.Message);
            }

            await FeedAsync(pcm, cancellationToken);
        }

        if (item.EndOfUtterance)
        {
            await FinishUtteranceAsync(item, pickedUp, cancellationToken);
        }
    }

    /// <summary>Sends decoded audio to the recorder and the recogniser; a new partial hypothesis becomes an event.</summary>
    private async Task FeedAsync(PcmBuffer pcm, CancellationToken cancellationToken)
    {
        if (pcm.Count == 0 || _utteranceBroken)
        {
            return;
        }

        _levels.Add(pcm.Samples);
        _utteranceHasAudio = true;
        if (services.Media.KeepUserAudio)
        {
            await _recorder.WriteAsync(pcm.Bytes, cancellationToken);
        }

        SpeechHypothesis? partial;
        try
        {
            partial = await recognizer.AcceptAsync(pcm.Bytes, cancellationToken);
        }
        catch (SpeechRecognitionException ex)
        {
            await BreakUtteranceAsync(ex.Message, ErrorCodes.SttFailed, ex.Retryable);
            return;
        }

        if (partial is { Text.Length: > 0 } && partial.Text != _lastPartial)
        {
            _lastPartial = partial.Text;
            await Notifier.SendPartialAsync(session,
                new TranscriptionEvent(session.Id, _nextTurn, partial.Text, false, null, new TurnTimings(null, null, null, null, null, null), Notifier.Now));
        }
    }

    private async Task FinishUtteranceAsync(PipelineItem item, long pickedUp, CancellationToken cancellationToken)
    {
        using (var tail = new PcmBuffer(4_096))
        {
            try
            {
                if (!_utteranceBroken)
                {
                    await decoder.EndUtteranceAsync(tail, cancellationToken);
                }
            }
            catch (AudioFormatException ex)
            {
                await BreakUtteranceAsync(ex.Message);
            }

            await FeedAsync(tail, cancellationToken);
        }

        var turn = _nextTurn;
        var queueMs = Ms(item.FlushTimestamp, pickedUp);
        try
        {
            if (_utteranceBroken || !_utteranceHasAudio)
            {
                await recognizer.CancelUtteranceAsync(cancellationToken);
                await _recorder.DiscardAsync();
                return;
            }

            if (_levels.PeakDbfs < services.Stt.SilencePeakDbfs)
            {
                await recognizer.CancelUtteranceAsync(cancellationToken);
                await _recorder.DiscardAsync();
                await NoSpeechAsync(turn, $"The last utterance was silent (peak {_levels.PeakDbfs:0} dBFS); check the microphone.");
                return;
            }

            if (_levels.ClippedRatio > services.Stt.ClippingRatio)
            {
                await ReportAsync(new HubError(ErrorCodes.AudioClipping,
                    $"{_levels.ClippedRatio:P1} of the last utterance is clipped; lower the microphone gain for better recognition.", true));
            }

            await RunTurnAsync(item, turn, pickedUp, queueMs, cancellationToken);
        }
        finally
        {
            _levels.Reset();
            _utteranceHasAudio = false;
            _utteranceBroken = false;
            _lastPartial = "";
            _turnErrors.Clear();
        }
    }

    private async Task RunTurnAsync(PipelineItem item, int turn, long pickedUp, int queueMs, CancellationToken cancellationToken)
    {
        var startedAt = services.Time.GetUtcNow();
        services.Metrics.RecordFlushToStt(ExactMs(item.FlushTimestamp, Now));

        SpeechHypothesis final;
        try
        {
            final = await recognizer.EndUtteranceAsync(cancellationToken);
        }
        catch (SpeechRecognitionException ex)
        {
            await _recorder.DiscardAsync();
            await ReportAsync(new HubError(ErrorCodes.SttFailed, ex.Message, ex.Retryable));
            return;
        }

        var sttDone = Now;
        var sttMs = Ms(pickedUp, sttDone);
        if (final.Text.Length == 0)
        {
            await _recorder.DiscardAsync();
            await NoSpeechAsync(turn, "No words were recognised in the last utterance; please say it again.");
            return;
        }

        _nextTurn++;
        _retry = null; // a new utterance moves the conversation on: an earlier failed turn can no longer be retried
        await Notifier.SendAsync(session, SessionEventKind.Transcription, new TranscriptionEvent(
            session.Id, turn, final.Text, true, final.Words, new TurnTimings(queueMs, sttMs, null, null, null, Ms(item.FlushTimestamp, Now)), Notifier.Now));
        services.Metrics.RecordResultToWire(ExactMs(sttDone, Now));
        services.Metrics.StageDuration.Record(queueMs, new KeyValuePair<string, object?>("stage", "queue"));
        services.Metrics.StageDuration.Record(sttMs, new KeyValuePair<string, object?>("stage", "stt"));

        var userAudio = await StoreUserAudioAsync(cancellationToken);
        var record = new TurnRecord
        {
            HistoryKey = session.HistoryKey,
            SessionId = session.Id,
            Turn = turn,
            UserText = final.Text,
            Words = final.Words ?? [],
            UserAudioKey = userAudio?.Key,
            QueueMs = queueMs,
            SttMs = sttMs,
            StartedAt = startedAt,
            CompletedAt = startedAt,
        };
        await AnswerAsync(new PendingTurn(new AiTurn(turn, session.MaxTurns, final.Text), item.FlushTimestamp, record, null), cancellationToken);
    }

    /// <summary>
    /// The second half of a turn: the AI's reply, then its speech. If either fails, the turn is kept (and journaled
    /// with its error) so <c>retry-turn</c> can run it again from the step that failed; what the user said is never lost.
    /// </summary>
    private async Task AnswerAsync(PendingTurn pending, CancellationToken cancellationToken)
    {
        session.TurnStarted();
        var record = pending.Record;
        var journaled = false;
        try
        {
            var reply = pending.Reply;
            var aiMs = record.AiMs;
            var turnCount = session.TurnCount;
            if (reply is null)
            {
                var aiStart = Now;
                reply = await ReplyAsync(pending.Turn, cancellationToken);
                var aiDone = Now;
                aiMs = Ms(aiStart, aiDone);
                if (reply is null)
                {
                    _retry = pending with { Record = record with { AiMs = aiMs } };
                    services.Journal.TurnCompleted(record with { AiMs = aiMs, Errors = [.. _turnErrors], CompletedAt = services.Time.GetUtcNow() });
                    journaled = true;
                    return;
                }

                conversation.Commit(pending.Turn, reply);
                turnCount = session.CountReply();
                await Notifier.SendAsync(session, SessionEventKind.AiResponse, new AiResponseEvent(
                    session.Id, pending.Turn.Turn, reply, turnCount, session.MaxTurns,
                    new TurnTimings(record.QueueMs, record.SttMs, aiMs, null, null, Ms(pending.ClockStart, Now)), Notifier.Now));
                services.Metrics.RecordResultToWire(ExactMs(aiDone, Now));
                services.Metrics.StageDuration.Record(aiMs.Value, new KeyValuePair<string, object?>("stage", "ai"));
            }

            var errorsBefore = _turnErrors.Count;
            var spoken = await SpeakAsync(pending.Turn.Turn, reply, pending.ClockStart, record.QueueMs, record.SttMs, aiMs, cancellationToken);
            var completed = record with
            {
                AiText = reply,
                AiMs = aiMs,
                AvatarSegments = spoken.Records,
                TtsMs = spoken.TtsMs,
                StoreMs = spoken.StoreMs,
                TotalMs = Ms(pending.ClockStart, Now),
                Errors = [.. _turnErrors],
                CompletedAt = services.Time.GetUtcNow(),
            };
            services.Journal.TurnCompleted(completed);
            journaled = true;
            if (_turnErrors.Count > errorsBefore && spoken.Records.Count == 0)
            {
                _retry = new PendingTurn(pending.Turn, pending.ClockStart, completed, reply); // the reply stands; only its speech failed
                return;
            }

            services.Metrics.TurnsCompleted.Add(1);
            if (turnCount >= session.MaxTurns)
            {
                services.EndSession(session, SessionEndReason.MaxTurns);
            }
        }
        finally
        {
            if (!journaled)
            {
                // Cancelled mid-turn (the session ended): record what the user said all the same.
                services.Journal.TurnCompleted(record with { Errors = [.. _turnErrors, "cancelled: the session ended during the turn"], CompletedAt = services.Time.GetUtcNow() });
            }

            session.TurnFinished();
        }
    }

    /// <summary>retry-turn: runs the last failed turn again from the step that failed.</summary>
    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        if (_retry is not { } pending)
        {
            await ReportAsync(HubError.InvalidRequest("There is no failed turn to retry (only the latest turn can be retried, before the user speaks again)."));
            return;
        }

        _retry = null;
        _turnErrors.Clear();
        await AnswerAsync(pending with { ClockStart = Now }, cancellationToken);
        _turnErrors.Clear();
    }

    /// <summary>The persona's reply, or null (after an <c>ai-failed</c> event) when the provider failed.</summary>
    private async Task<string?> ReplyAsync(AiTurn turn, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(services.Ai.Timeout);
        var reply = new StringBuilder();
        try
        {
            await foreach (var delta in conversation.ReplyAsync(turn, timeout.Token))
            {
                reply.Append(delta);
            }
        }
        catch (AiProviderException ex)
        {
            await ReportAsync(new HubError(ErrorCodes.AiFailed, $"The AI could not answer turn {turn.Turn}: {ex.Message}", ex.Retryable));
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ReportAsync(new HubError(ErrorCodes.AiFailed, $"The AI did not answer turn {turn.Turn} within {services.Ai.Timeout.TotalSeconds:0} s.", true));
            return null;
        }

        var text = reply.ToString().Trim();
        if (text.Length == 0)
        {
            await ReportAsync(new HubError(ErrorCodes.AiFailed, $"The AI returned an empty reply to turn {turn.Turn}.", true));
            return null;
        }

        return text;
    }

    /// <summary>Speaks the reply sentence by sentence: each segment is synthesised, stored and announced as soon as
    /// it is ready, so the avatar can start talking before the whole reply is rendered.</summary>
    private async Task<SpokenReply> SpeakAsync(int turn, string text, long clockStart, int? queueMs, int? sttMs, int? aiMs, CancellationToken cancellationToken)
    {
        var sentences = SentenceSplitter.Split(text, services.Tts.MinSegmentChars);
        var records = new List<AvatarSegmentRecord>(sentences.Count);
        int ttsTotal = 0, storeTotal = 0;
        for (var i = 0; i < sentences.Count; i++)
        {
            var ttsStart = Now;
            AvatarClip clip;
            try
            {
                clip = await avatarSpeech.SynthesizeAsync(new SpeechRequest(sentences[i], session.Language, session.Variant.Persona.Voice), cancellationToken);
            }
            catch (SpeechSynthesisException ex)
            {
                await ReportAsync(new HubError(ErrorCodes.TtsFailed, $"The avatar could not speak turn {turn}: {ex.Message}", ex.Retryable));
                break;
            }

            using (clip)
            {
                var ttsMs = Ms(ttsStart, Now);
                var storeStart = Now;
                StoredMedia stored;
                try
                {
                    stored = await services.MediaStore.SaveAsync(clip.Audio, MediaKind.AvatarAudio, clip.Extension, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
                {
                    services.Logger.LogError(ex, "Session {SessionId}: storing avatar audio failed", session.Id);
                    await ReportAsync(new HubError(ErrorCodes.StorageFailed, "The avatar's audio could not be stored.", true));
                    break;
                }

                var storeDone = Now;
                var storeMs = Ms(storeStart, storeDone);
                ttsTotal += ttsMs;
                storeTotal += storeMs;
                var durationMs = (int)Math.Round(clip.Duration.TotalMilliseconds);
                var url = services.MediaStore.GetUrl(stored.Key, session.MediaBaseUrl);
                await Notifier.SendAsync(session, SessionEventKind.AvatarResponse, new AvatarResponseEvent(
                    session.Id, turn, i, i == sentences.Count - 1, sentences[i], url, clip.VideoUrl, durationMs, stored.MimeType, clip.Visemes,
                    new TurnTimings(queueMs, sttMs, aiMs, ttsMs, storeMs, Ms(clockStart, Now)), Notifier.Now));
                services.Metrics.RecordResultToWire(ExactMs(storeDone, Now));
                services.Metrics.StageDuration.Record(ttsMs, new KeyValuePair<string, object?>("stage", "tts"));
                services.Metrics.StageDuration.Record(storeMs, new KeyValuePair<string, object?>("stage", "store"));
                if (i == 0 && turn > 0)
                {
                    services.Metrics.TurnDuration.Record(Ms(clockStart, Now));
                }

                records.Add(new AvatarSegmentRecord(i, sentences[i], stored.Key, clip.VideoUrl, durationMs, stored.MimeType));
            }
        }

        return new SpokenReply(records, ttsTotal, storeTotal);
    }

    private async Task<StoredMedia?> StoreUserAudioAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _recorder.CompleteAsync(services.MediaStore, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: storing the user's audio failed", session.Id);
            await ReportAsync(new HubError(ErrorCodes.StorageFailed, "Your audio for this turn could not be stored; the transcript is kept.", true));
            return null;
        }
    }

    private async Task NoSpeechAsync(int turn, string message)
    {
        // A final (empty) transcription closes any partial text the client is showing for this turn.
        await Notifier.SendAsync(session, SessionEventKind.Transcription,
            new TranscriptionEvent(session.Id, turn, "", true, null, new TurnTimings(null, null, null, null, null, null), Notifier.Now));
        await ReportAsync(new HubError(ErrorCodes.NoSpeech, message, true));
    }

    private async Task BreakUtteranceAsync(string message, string code = ErrorCodes.InvalidAudio, bool retryable = false)
    {
        if (_utteranceBroken)
        {
            return; // one report per utterance; the rest of it is dropped
        }

        _utteranceBroken = true;
        await ReportAsync(new HubError(code, message + " The rest of this utterance is ignored; the session continues.", retryable));
    }

    private Task ReportAsync(HubError error)
    {
        _turnErrors.Add($"{error.Code}: {error.Message}");
        services.Metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        return Notifier.SendErrorAsync(session, error);
    }

    private int Ms(long from, long to) => (int)Math.Round(ExactMs(from, to));

    private double ExactMs(long from, long to) => services.Time.GetElapsedTime(from, to).TotalMilliseconds;

    private readonly record struct SpokenReply(List<AvatarSegmentRecord> Records, int TtsMs, int StoreMs);

    /// <summary>A turn whose transcript is final, waiting for (or retrying) its reply and speech.</summary>
    private sealed record PendingTurn(AiTurn Turn, long ClockStart, TurnRecord Record, string? Reply);
}
