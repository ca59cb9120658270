using System.Text;
using System.Threading.Channels;
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
    // Never full (the writer's TryWrite must not fail): bounded only for its buffer, which grows from a few sentences,
    // where an unbounded channel starts every reply with a segment of 32.
    private static readonly BoundedChannelOptions SentenceQueue = new(int.MaxValue) { SingleReader = true, SingleWriter = true };

    private readonly TurnReport _report = report;
    private PendingTurn? _retry;
    private ReplyInFlight? _current; // the reply the persona is giving, until it is done or an interruption settles it

    /// <summary>
    /// The user's utterance is final: it is announced, its audio stored, and the persona answers it. A new utterance
    /// moves the conversation on, so an earlier failed turn can no longer be retried.
    /// </summary>
    public async Task AnswerUtteranceAsync(FinalTranscript final, RecordedUtterance? recording, CancellationToken cancellationToken)
    {
        _retry = null;
        var clock = new ReplyClock(services, final.ClockStart, final.QueueMs, final.SttMs);
        clock.TranscriptReached();
        await session.EmitAsync(new TurnTranscript(final.Turn, final.Hypothesis.Text, true, final.Hypothesis.Words, clock.Timings()));
        services.Metrics.RecordResultToWire(services.ExactMs(final.SttDone, services.Now));
        services.Metrics.StageDuration.Record(final.QueueMs, new KeyValuePair<string, object?>("stage", "queue"));
        services.Metrics.StageDuration.Record(final.SttMs, new KeyValuePair<string, object?>("stage", "stt"));

        _report.Clear();
        foreach (var error in final.HearingErrors)
        {
            _report.Record(error);
        }

        var userAudio = await StoreUserAudioAsync(recording, cancellationToken);
        TurnRecord record = new()
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
            TranscriptMs = clock.TranscriptMs,
        };
        await AnswerAsync(new PendingTurn(new AiTurn(final.Turn, session.MaxTurns, final.Hypothesis.Text), clock, record, null), cancellationToken);
    }

    /// <summary>Turn 0: the persona opens the drill with the scenario's opening line.</summary>
    public async Task SpeakOpeningAsync(CancellationToken cancellationToken)
    {
        var started = services.Now;
        var startedAt = services.Time.GetUtcNow();
        using var span = RoleplayTracing.StartTurn(session.Id, 0, session.Language);
        var text = session.Variant.OpeningLine;
        var clock = new ReplyClock(services, started, null, null) { AiMs = 0 };
        var opening = new TurnRecord { HistoryKey = session.HistoryKey, SessionId = session.Id, Turn = 0, UserText = "", StartedAt = startedAt, CompletedAt = startedAt };
        var current = _current = new ReplyInFlight(new PendingTurn(new AiTurn(0, session.MaxTurns, ""), clock, opening, text)) { Counted = true };
        await session.EmitAsync(new TurnReply(0, text, 0, session.MaxTurns, clock.Timings()));
        var segments = await speaker.SpeakAsync(0, text, clock, current.Spoken, cancellationToken);
        current.Journaled = true;
        services.Journal.TurnCompleted(current.Record = new TurnRecord
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
    /// The second half of a turn: the AI's reply, streamed, and its speech, sentence by sentence as the text arrives.
    /// If either fails, the turn is kept (and journaled with its error) so <c>retry-turn</c> can run it again from the
    /// step that failed; what the user said is never lost.
    /// </summary>
    public async Task AnswerAsync(PendingTurn pending, CancellationToken cancellationToken, int firstSegment = 0)
    {
        session.TurnStarted();
        var record = pending.Record;
        var clock = pending.Clock;
        var journaled = false;
        var current = _current = new ReplyInFlight(pending);
        try
        {
            var reply = pending.Reply;
            var turnCount = session.TurnCount;
            SpokenReply spoken;
            if (reply is null)
            {
                var sentences = Channel.CreateBounded<ReplySentence>(SentenceQueue);
                var speaking = speaker.SpeakAsync(pending.Turn.Turn, sentences.Reader, clock, current.Spoken, cancellationToken, firstSegment);
                var aiStart = services.Now;
                WrittenReply? written;
                try
                {
                    written = await ReplyAsync(pending.Turn, clock, sentences.Writer, cancellationToken);
                }
                finally
                {
                    sentences.Writer.TryComplete();
                }

                reply = written?.Text;

                var aiDone = services.Now;
                clock.AiMs = services.Ms(aiStart, aiDone);
                if (reply is null)
                {
                    await speaking; // the sentences already written are spoken; the reply is not committed
                    _current = null;
                    _retry = pending with { Record = record with { AiMs = clock.AiMs, FirstTokenMs = clock.FirstTokenMs, Revision = true } };
                    services.Journal.TurnCompleted(record with { AiMs = clock.AiMs, FirstTokenMs = clock.FirstTokenMs, Errors = _report.Errors, CompletedAt = services.Time.GetUtcNow() });
                    journaled = true;
                    return;
                }

                var cut = written!.Cut;
                conversation.Commit(pending.Turn, cut ? reply + "…" : reply); // the model sees that it was cut off
                turnCount = session.CountReply();
                current.Reply = reply;
                current.Counted = true;
                await session.EmitAsync(new TurnReply(pending.Turn.Turn, reply, turnCount, session.MaxTurns, clock.Timings(), cut));
                services.Metrics.RecordResultToWire(services.ExactMs(aiDone, services.Now));
                services.Metrics.StageDuration.Record(clock.AiMs.Value, new KeyValuePair<string, object?>("stage", "ai"));
                spoken = await speaking;
            }
            else
            {
                clock.AiMs = record.AiMs;
                spoken = await speaker.SpeakAsync(pending.Turn.Turn, reply, clock, current.Spoken, cancellationToken, firstSegment);
            }

            var completed = record with
            {
                AiText = reply,
                AiMs = clock.AiMs,
                AvatarSegments = spoken.Records,
                TtsMs = spoken.TtsMs,
                StoreMs = spoken.StoreMs,
                TotalMs = clock.Elapsed,
                FirstTokenMs = clock.FirstTokenMs ?? record.FirstTokenMs,
                FirstAudioMs = clock.FirstAudioMs,
                Errors = _report.Errors,
                CompletedAt = services.Time.GetUtcNow(),
            };
            services.Journal.TurnCompleted(completed);
            journaled = true;
            current.Record = completed;
            current.Journaled = true;
            if (spoken.Records.Length == 0)
            {
                _retry = new PendingTurn(pending.Turn, clock, completed with { Revision = true }, reply); // the reply stands; only its speech failed
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
            if (!journaled && !session.Stopping.IsCancellationRequested && cancellationToken.IsCancellationRequested)
            {
                current.Record = record with { AiMs = clock.AiMs, FirstTokenMs = clock.FirstTokenMs, FirstAudioMs = clock.FirstAudioMs };
            }
            else if (!journaled)
            {
                // Cancelled mid-turn (the session ended): record what the user said all the same.
                services.Journal.TurnCompleted(record with { Errors = [.. _report.Errors, "cancelled: the session ended during the turn"], CompletedAt = services.Time.GetUtcNow() });
            }

            session.TurnFinished();
        }
    }

    /// <summary>
    /// An interruption stands (the trainee said something): only what they heard of the reply stays — in the
    /// conversation the model sees next, and in the history, marked interrupted. Runs once the interrupted reply's task
    /// has ended.
    /// </summary>
    public void StandInterruption(ReplyCut cut)
    {
        if (_current is not { } current || current.Turn.Turn != cut.Turn)
        {
            return;
        }

        _current = null;
        _retry = null;
        conversation.Commit(current.Turn, cut.HeardText.Length > 0 ? cut.HeardText + "…" : "…");
        var turnCount = current.Counted ? session.TurnCount : session.CountReply();

        var record = current.Record;
        services.Journal.TurnCompleted(record with
        {
            AiText = cut.HeardText,
            Interrupted = true,
            PlayedMs = cut.PlayedMs,
            AvatarSegments = current.SpokenSoFar(),
            Errors = _report.Errors,
            Revision = current.Journaled || record.Revision,
            CompletedAt = services.Time.GetUtcNow(),
        });
        if (cut.Turn > 0 && turnCount >= session.MaxTurns && session.EndReason is null)
        {
            session.End(SessionEndReason.MaxTurns); // the drill's last reply was cut off: it is over all the same
        }
    }

    /// <summary>
    /// The interruption was false: the persona goes on from where it was cut — the unheard rest of its reply, spoken
    /// as new segments, or, if the reply was still being written, the reply written again.
    /// </summary>
    public async Task ResumeAsync(ReplyCut cut, CancellationToken cancellationToken)
    {
        if (_current is not { } current || current.Turn.Turn != cut.Turn)
        {
            return;
        }

        await session.EmitAsync(new ReplyResumed(cut.Turn, cut.NextSegment));
        if (current.Reply is not { } reply)
        {
            await AnswerAsync(current.Unanswered(), cancellationToken, cut.NextSegment);
            return;
        }

        var unsent = cut.LastSentText is { } last && reply.IndexOf(last, StringComparison.Ordinal) is var at and >= 0 ? reply[(at + last.Length)..] : "";
        var rest = (cut.UnheardSentText + " " + unsent).Trim();
        if (rest.Length > 0)
        {
            await speaker.SpeakAsync(cut.Turn, rest, current.Clock, current.Spoken, cancellationToken, cut.NextSegment);
        }

        // The whole reply was said after all. The record an interruption during the speech left has no text yet.
        var record = current.Record;
        services.Journal.TurnCompleted(record with { AiText = reply, AvatarSegments = current.SpokenSoFar(), Revision = current.Journaled || record.Revision, CompletedAt = services.Time.GetUtcNow() });
        current.Journaled = true;
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
        await AnswerAsync(pending with { Clock = new ReplyClock(services, services.Now, pending.Record.QueueMs, pending.Record.SttMs) }, cancellationToken);
        _report.Clear();
    }

    /// <summary>
    /// The persona's reply, streamed: each delta goes out as <c>ai-response-delta</c>, and each sentence it completes
    /// to the speaker. Returns the whole reply; or, when the provider fails after writing some of it (a stall, a
    /// dropped stream, <c>Ai:Timeout</c>), everything written so far, cut (<see cref="CutAsync"/>); or null (after an
    /// <c>ai-failed</c> event) when the provider failed before writing anything.
    /// </summary>
    private async Task<WrittenReply?> ReplyAsync(AiTurn turn, ReplyClock clock, ChannelWriter<ReplySentence> sentences, CancellationToken cancellationToken)
    {
        using var span = RoleplayTracing.StartStage("ai", services.Ai.Provider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(services.Ai.Timeout);
        var reply = new StringBuilder();
        var deltas = new ReplyDeltas(turn.Turn, reply, services.Ai.DeltaInterval, services.Time);
        var splitter = new SentenceStream(services.Tts.MinSegmentChars);
        try
        {
            await foreach (var delta in conversation.ReplyAsync(turn, timeout.Token))
            {
                if (delta.Length == 0)
                {
                    continue;
                }

                if (reply.Length == 0)
                {
                    clock.FirstTokenReached();
                }

                reply.Append(delta);
                var released = splitter.Append(delta);
                foreach (var sentence in released)
                {
                    sentences.TryWrite(new ReplySentence(sentence, false));
                }

                // A sentence going to the voice takes everything written with it: what is about to be heard is on screen.
                await session.EmitDeltaAsync(released.Count > 0 ? deltas.Flush() : deltas.Grown());
            }
        }
        catch (AiProviderException ex) when (reply.ToString().Trim().Length > 0)
        {
            span.Fail(ErrorCodes.AiCut, ex.Message);
            await session.EmitDeltaAsync(deltas.Flush());
            return await CutAsync(turn, reply, splitter, sentences, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && reply.ToString().Trim().Length > 0)
        {
            span.Fail(ErrorCodes.AiCut, "timed out");
            await session.EmitDeltaAsync(deltas.Flush());
            return await CutAsync(turn, reply, splitter, sentences, $"The reply took longer than {services.Ai.Timeout.TotalSeconds:0} s.");
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

        await session.EmitDeltaAsync(deltas.Flush());
        var text = Finish(reply, splitter, sentences);
        if (text.Length == 0)
        {
            await _report.ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The AI returned an empty reply to turn {turn.Turn}.", true));
            return null;
        }

        return new WrittenReply(text, Cut: false);
    }

    /// <summary>
    /// The model stopped in the middle of its reply. Everything it wrote stands, as written — the sentences already
    /// spoken, and the rest (an unfinished sentence included) spoken as the last segment — because the trainee has
    /// already read it in the deltas: it is the reply the client gets (<c>ai-response</c> with <c>cut</c>), the history
    /// keeps and the model sees next time (with "…"). An <c>ai-cut</c> event, not retryable, says why; the turn counts.
    /// </summary>
    private async Task<WrittenReply> CutAsync(AiTurn turn, StringBuilder reply, SentenceStream splitter, ChannelWriter<ReplySentence> sentences, string reason)
    {
        var text = Finish(reply, splitter, sentences);
        await _report.ReportAsync(new ClientError(ErrorCodes.AiCut, $"The persona's reply to turn {turn.Turn} was cut off: {reason} What it said so far is kept.", false));
        return new WrittenReply(text, Cut: true);
    }

    /// <summary>Hands the sentences not yet released to the speaker, the last one marked last; returns the reply's text.</summary>
    private static string Finish(StringBuilder reply, SentenceStream splitter, ChannelWriter<ReplySentence> sentences)
    {
        var rest = splitter.Complete();
        for (var i = 0; i < rest.Count; i++)
        {
            sentences.TryWrite(new ReplySentence(rest[i], i == rest.Count - 1));
        }

        return splitter.Text(reply);
    }

    private async Task<StoredMedia?> StoreUserAudioAsync(RecordedUtterance? recording, CancellationToken cancellationToken)
    {
        if (recording is null)
        {
            return null;
        }

        try
        {
            using (recording)
            {
                return await recording.StoreAsync(services.MediaStore, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: storing the user's audio failed", session.Id);
            await _report.ReportAsync(new ClientError(ErrorCodes.StorageFailed, "Your audio for this turn could not be stored; the transcript is kept.", true));
            return null;
        }
    }
}

/// <summary>The recogniser's final word on an utterance, the turn's clock so far, and the problems hearing it had.</summary>
internal sealed record FinalTranscript(int Turn, SpeechHypothesis Hypothesis, long ClockStart, DateTimeOffset StartedAt, int QueueMs, int SttMs, long SttDone, IReadOnlyList<string> HearingErrors);

/// <summary>
/// A reply being given: its turn and clock, its text once written, the segments sent so far and the turn's record.
/// It lives until the next turn starts (the trainee may cut in while its audio plays), so it holds the one record that
/// stands, not the pending one beside the journaled one: every young collection in that time copies what it holds.
/// </summary>
internal sealed class ReplyInFlight(PendingTurn pending)
{
    public AiTurn Turn { get; } = pending.Turn;

    public ReplyClock Clock { get; } = pending.Clock;

    /// <summary>The reply's text once written, or as given (the opening line, a retry whose speech failed).</summary>
    public string? Reply { get; set; } = pending.Reply;

    /// <summary>The reply has been counted in the session's turn count.</summary>
    public bool Counted { get; set; }

    /// <summary>The turn's record as it stands: the pending one, then the one journaled, or the one an interruption
    /// during the reply left (its timings so far).</summary>
    public TurnRecord Record { get; set; } = pending.Record;

    public bool Journaled { get; set; }

    /// <summary>Written by the speaker as each segment is sent.</summary>
    public List<AvatarSegmentRecord> Spoken { get; } = [];

    /// <summary>The turn as it waits for its reply: a false interruption before the reply was written answers it again.</summary>
    public PendingTurn Unanswered() => new(Turn, Clock, Record, Reply);

    public List<AvatarSegmentRecord> SpokenSoFar()
    {
        lock (Spoken)
        {
            return [.. Spoken];
        }
    }
}

/// <summary>The text the AI wrote for a turn; <see cref="Cut"/> when it stopped before the end.</summary>
internal sealed record WrittenReply(string Text, bool Cut);

/// <summary>A turn whose transcript is final, waiting for (or retrying) its reply and speech.</summary>
internal sealed record PendingTurn(AiTurn Turn, ReplyClock Clock, TurnRecord Record, string? Reply);
