using System.Text;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>The second half of a turn, once the transcript is final: the AI's reply, its speech sentence by sentence,
/// the journal record, and retrying a turn whose reply or speech failed.</summary>
internal sealed partial class TurnPipeline
{
    private async Task RunTurnAsync(PipelineItem item, int turn, long pickedUp, int queueMs, CancellationToken cancellationToken)
    {
        var startedAt = services.Time.GetUtcNow();
        services.Metrics.RecordFlushToStt(ExactMs(item.FlushTimestamp, Now));
        using var span = RoleplayTracing.StartTurn(session.Id, turn, session.Language);

        SpeechHypothesis final;
        using (var stt = RoleplayTracing.StartStage("stt"))
        {
            try
            {
                final = await recognizer.EndUtteranceAsync(cancellationToken);
            }
            catch (SpeechRecognitionException ex)
            {
                stt.Fail(ErrorCodes.SttFailed, ex.Message);
                _recorder.Discard();
                await ReportAsync(new ClientError(ErrorCodes.SttFailed, ex.Message, ex.Retryable));
                return;
            }
        }

        var sttDone = Now;
        var sttMs = Ms(pickedUp, sttDone);
        if (final.Text.Length == 0)
        {
            _recorder.Discard();
            await NoSpeechAsync(turn, "No words were recognised in the last utterance; please say it again.");
            return;
        }

        _nextTurn++;
        _retry = null; // a new utterance moves the conversation on: an earlier failed turn can no longer be retried
        await session.EmitAsync(new TurnTranscript(
            turn, final.Text, true, final.Words, new TurnTimings(queueMs, sttMs, null, null, null, Ms(item.FlushTimestamp, Now))));
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
                    _retry = pending with { Record = record with { AiMs = aiMs, Revision = true } };
                    services.Journal.TurnCompleted(record with { AiMs = aiMs, Errors = [.. _turnErrors], CompletedAt = services.Time.GetUtcNow() });
                    journaled = true;
                    return;
                }

                conversation.Commit(pending.Turn, reply);
                turnCount = session.CountReply();
                await session.EmitAsync(new TurnReply(pending.Turn.Turn, reply, turnCount, session.MaxTurns,
                    new TurnTimings(record.QueueMs, record.SttMs, aiMs, null, null, Ms(pending.ClockStart, Now))));
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
                _retry = new PendingTurn(pending.Turn, pending.ClockStart, completed with { Revision = true }, reply); // the reply stands; only its speech failed
                return;
            }

            services.Metrics.TurnsCompleted.Add(1);
            if (turnCount >= session.MaxTurns)
            {
                session.End(SessionEndReason.MaxTurns);
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
            // An answer to this call, not a problem of a turn: kept out of the turn's recorded errors.
            await session.EmitAsync(new TurnError(ClientError.InvalidRequest("There is no failed turn to retry (only the latest turn can be retried, before the user speaks again).")));
            return;
        }

        _retry = null;
        _turnErrors.Clear();
        using var span = RoleplayTracing.StartTurn(session.Id, pending.Turn.Turn, session.Language, retry: true);
        await AnswerAsync(pending with { ClockStart = Now }, cancellationToken);
        _turnErrors.Clear();
    }

    /// <summary>The persona's reply, or null (after an <c>ai-failed</c> event) when the provider failed.</summary>
    private async Task<string?> ReplyAsync(AiTurn turn, CancellationToken cancellationToken)
    {
        using var span = RoleplayTracing.StartStage("ai", services.Ai.Provider);
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
            span.Fail(ErrorCodes.AiFailed, ex.Message);
            await ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI could not answer turn {turn.Turn}: {ex.Message}", ex.Retryable));
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            span.Fail(ErrorCodes.AiFailed, "timed out");
            await ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI did not answer turn {turn.Turn} within {services.Ai.Timeout.TotalSeconds:0} s.", true));
            return null;
        }

        var text = reply.ToString().Trim();
        if (text.Length == 0)
        {
            await ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI returned an empty reply to turn {turn.Turn}.", true));
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
            using (var tts = RoleplayTracing.StartStage("tts", avatarSpeech.Name))
            {
                try
                {
                    clip = await avatarSpeech.SynthesizeAsync(new SpeechRequest(sentences[i], session.Language, session.Variant.Persona.Voice), cancellationToken);
                }
                catch (SpeechSynthesisException ex)
                {
                    tts.Fail(ErrorCodes.TtsFailed, ex.Message);
                    await ReportAsync(new ClientError(ErrorCodes.TtsFailed, $"The avatar could not speak turn {turn}: {ex.Message}", ex.Retryable));
                    break;
                }
            }

            using (clip)
            {
                var ttsMs = Ms(ttsStart, Now);
                var storeStart = Now;
                StoredMedia stored;
                using (var store = RoleplayTracing.StartStage("store", services.MediaStore.Name))
                {
                    try
                    {
                        stored = await services.MediaStore.SaveAsync(clip.Audio, MediaKind.AvatarAudio, clip.Extension, cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
                    {
                        store.Fail(ErrorCodes.StorageFailed, ex.Message);
                        services.Logger.LogError(ex, "Session {SessionId}: storing avatar audio failed", session.Id);
                        await ReportAsync(new ClientError(ErrorCodes.StorageFailed, "The avatar's audio could not be stored.", true));
                        break;
                    }
                }

                var storeDone = Now;
                var storeMs = Ms(storeStart, storeDone);
                ttsTotal += ttsMs;
                storeTotal += storeMs;
                var durationMs = (int)Math.Round(clip.Duration.TotalMilliseconds);
                var url = services.MediaStore.GetUrl(stored.Key, session.MediaBaseUrl);
                await session.EmitAsync(new TurnSpeech(turn, i, i == sentences.Count - 1, sentences[i], url, clip.VideoUrl, durationMs, stored.MimeType, clip.Visemes,
                    new TurnTimings(queueMs, sttMs, aiMs, ttsMs, storeMs, Ms(clockStart, Now))));
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
            await ReportAsync(new ClientError(ErrorCodes.StorageFailed, "Your audio for this turn could not be stored; the transcript is kept.", true));
            return null;
        }
    }


    private readonly record struct SpokenReply(List<AvatarSegmentRecord> Records, int TtsMs, int StoreMs);


    /// <summary>A turn whose transcript is final, waiting for (or retrying) its reply and speech.</summary>
    private sealed record PendingTurn(AiTurn Turn, long ClockStart, TurnRecord Record, string? Reply);
}
