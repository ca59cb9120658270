using System.Text;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// The persona's side of a turn, once the user's transcript is final: the AI's reply, its speech, the journal record.
/// Invariant: what the user said is never lost — if the reply or its speech fails, the turn is journalled with its
/// error and kept so <c>retry-turn</c> can run it again from the step that failed, until the user speaks again.
/// </summary>
internal sealed class TurnAnswerer(ITurnSession session, IRoleplayConversation conversation, ReplySpeaker speaker, TurnReport report, PipelineServices services)
{
    private readonly TurnReport _report = report;
    private PendingTurn? _retry;

    /// <summary>
    /// The user's utterance is final: it is announced, its audio stored, and the persona answers it. A new utterance
    /// moves the conversation on, so an earlier failed turn can no longer be retried.
    /// </summary>
    public async Task AnswerUtteranceAsync(FinalTranscript final, UtteranceRecorder recorder, CancellationToken cancellationToken)
    {
        _retry = null;
        await session.EmitAsync(new TurnTranscript(final.Turn, final.Hypothesis.Text, true, final.Hypothesis.Words,
            new TurnTimings(final.QueueMs, final.SttMs, null, null, null, services.Ms(final.ClockStart, services.Now))));
        services.Metrics.RecordResultToWire(services.ExactMs(final.SttDone, services.Now));
        services.Metrics.StageDuration.Record(final.QueueMs, new KeyValuePair<string, object?>("stage", "queue"));
        services.Metrics.StageDuration.Record(final.SttMs, new KeyValuePair<string, object?>("stage", "stt"));

        var userAudio = await StoreUserAudioAsync(recorder, cancellationToken);
        var record = new TurnRecord
        {
            HistoryKey = session.HistoryKey,
            SessionId = session.Id,
            Turn = final.Turn,
            UserText = final.Hypothesis.Text,
            Words = final.Hypothesis.Words ?? [],
            UserAudioKey = userAudio?.Key,
            QueueMs = final.QueueMs,
            SttMs = final.SttMs,
            StartedAt = final.StartedAt,
            CompletedAt = final.StartedAt,
        };
        await AnswerAsync(new PendingTurn(new AiTurn(final.Turn, session.MaxTurns, final.Hypothesis.Text), final.ClockStart, record, null), cancellationToken);
    }

    /// <summary>Turn 0: the persona opens the drill with the scenario's opening line.</summary>
    public async Task SpeakOpeningAsync(CancellationToken cancellationToken)
    {
        var started = services.Now;
        var startedAt = services.Time.GetUtcNow();
        using var span = RoleplayTracing.StartTurn(session.Id, 0, session.Language);
        var text = session.Variant.OpeningLine;
        await session.EmitAsync(new TurnReply(0, text, 0, session.MaxTurns, new TurnTimings(null, null, 0, null, null, 0)));
        var segments = await speaker.SpeakAsync(0, text, started, queueMs: null, sttMs: null, aiMs: 0, cancellationToken);
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
            TotalMs = services.Ms(started, services.Now),
            Errors = _report.Errors,
            StartedAt = startedAt,
            CompletedAt = services.Time.GetUtcNow(),
        });
        _report.Clear();
    }

    /// <summary>
    /// The second half of a turn: the AI's reply, then its speech. If either fails, the turn is kept (and journaled
    /// with its error) so <c>retry-turn</c> can run it again from the step that failed; what the user said is never lost.
    /// </summary>
    public async Task AnswerAsync(PendingTurn pending, CancellationToken cancellationToken)
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
                var aiStart = services.Now;
                reply = await ReplyAsync(pending.Turn, cancellationToken);
                var aiDone = services.Now;
                aiMs = services.Ms(aiStart, aiDone);
                if (reply is null)
                {
                    _retry = pending with { Record = record with { AiMs = aiMs, Revision = true } };
                    services.Journal.TurnCompleted(record with { AiMs = aiMs, Errors = _report.Errors, CompletedAt = services.Time.GetUtcNow() });
                    journaled = true;
                    return;
                }

                conversation.Commit(pending.Turn, reply);
                turnCount = session.CountReply();
                await session.EmitAsync(new TurnReply(pending.Turn.Turn, reply, turnCount, session.MaxTurns,
                    new TurnTimings(record.QueueMs, record.SttMs, aiMs, null, null, services.Ms(pending.ClockStart, services.Now))));
                services.Metrics.RecordResultToWire(services.ExactMs(aiDone, services.Now));
                services.Metrics.StageDuration.Record(aiMs.Value, new KeyValuePair<string, object?>("stage", "ai"));
            }

            var errorsBefore = _report.Count;
            var spoken = await speaker.SpeakAsync(pending.Turn.Turn, reply, pending.ClockStart, record.QueueMs, record.SttMs, aiMs, cancellationToken);
            var completed = record with
            {
                AiText = reply,
                AiMs = aiMs,
                AvatarSegments = spoken.Records,
                TtsMs = spoken.TtsMs,
                StoreMs = spoken.StoreMs,
                TotalMs = services.Ms(pending.ClockStart, services.Now),
                Errors = _report.Errors,
                CompletedAt = services.Time.GetUtcNow(),
            };
            services.Journal.TurnCompleted(completed);
            journaled = true;
            if (_report.Count > errorsBefore && spoken.Records.Count == 0)
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
                services.Journal.TurnCompleted(record with { Errors = [.. _report.Errors, "cancelled: the session ended during the turn"], CompletedAt = services.Time.GetUtcNow() });
            }

            session.TurnFinished();
        }
    }

    /// <summary>retry-turn: runs the last failed turn again from the step that failed.</summary>
    public async Task RetryAsync(CancellationToken cancellationToken)
    {
        if (_retry is not { } pending)
        {
            // An answer to this call, not a problem of a turn: kept out of the turn's recorded errors.
            await session.EmitAsync(new TurnError(ClientError.InvalidRequest("There is no failed turn to retry (only the latest turn can be retried, before the user speaks again).")));
            return;
        }

        _retry = null;
        _report.Clear();
        using var span = RoleplayTracing.StartTurn(session.Id, pending.Turn.Turn, session.Language, retry: true);
        await AnswerAsync(pending with { ClockStart = services.Now }, cancellationToken);
        _report.Clear();
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
            await _report.ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI could not answer turn {turn.Turn}: {ex.Message}", ex.Retryable));
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            span.Fail(ErrorCodes.AiFailed, "timed out");
            await _report.ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI did not answer turn {turn.Turn} within {services.Ai.Timeout.TotalSeconds:0} s.", true));
            return null;
        }

        var text = reply.ToString().Trim();
        if (text.Length == 0)
        {
            await _report.ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI returned an empty reply to turn {turn.Turn}.", true));
            return null;
        }

        return text;
    }

    private async Task<StoredMedia?> StoreUserAudioAsync(UtteranceRecorder recorder, CancellationToken cancellationToken)
    {
        try
        {
            return await recorder.CompleteAsync(services.MediaStore, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: storing the user's audio failed", session.Id);
            await _report.ReportAsync(new ClientError(ErrorCodes.StorageFailed, "Your audio for this turn could not be stored; the transcript is kept.", true));
            return null;
        }
    }
}

/// <summary>The recogniser's final word on an utterance, and the turn's clock so far.</summary>
internal sealed record FinalTranscript(int Turn, SpeechHypothesis Hypothesis, long ClockStart, DateTimeOffset StartedAt, int QueueMs, int SttMs, long SttDone);

/// <summary>A turn whose transcript is final, waiting for (or retrying) its reply and speech.</summary>
internal sealed record PendingTurn(AiTurn Turn, long ClockStart, TurnRecord Record, string? Reply);
