using System.Diagnostics;
using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Observability;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Pipeline;

/// <summary>
/// One session's worker: reads flushed audio from the session's queue, in order, and runs the turn —
/// decode → STT (partials while the user speaks, the final at the end of the utterance) → AI reply → avatar speech
/// per sentence → media store → events, with per-stage timings on every event and the turn in the journal. This class
/// hears the user (decoding, recognition, levels, the recording); <see cref="TurnAnswerer"/> answers and
/// <see cref="ReplySpeaker"/> speaks. It is the only code that touches the session's decoder, recogniser and
/// conversation, so none of them need locks.
/// </summary>
internal sealed class TurnPipeline(
    ITurnSession session,
    IAudioStreamDecoder decoder,
    ISpeechRecognizer recognizer,
    IAvatarSpeech avatarSpeech,
    IRoleplayConversation conversation,
    SpeechGate? gate,
    PipelineServices services)
{
    private readonly TurnParts _parts = TurnParts.Make(session, conversation, avatarSpeech, services);
    private readonly TurnReport _report = new(session, services.Metrics); // hearing's problems, per utterance
    private ReplyCut? _cut;          // an interruption whose fate this utterance's words decide
    private long _cutAt;
    private bool _cutHeardWords;     // a word was recognised since the interruption
    private bool _quietUtterance;    // began as a false interruption: ends without a no-speech error
    private PcmBuffer? _speech; // server VAD: the part of a decoded segment the recogniser hears
    private AudioLevels _levels;
    private bool _utteranceHasAudio;
    private bool _utteranceBroken;
    private string _lastPartial = "";
    private int? _voiceEndMs;        // the detector ended this utterance: where the voice stopped, in its audio
    private int _nextTurn = session.FirstTurn;

    private long Now => services.Time.GetTimestamp();

    private UtteranceRecorder Recorder => _parts.Recorder;

    private PersonaFloor Floor => _parts.Floor;

    /// <summary>The persona's side, with its own report: its replies run while the next utterance is heard.</summary>
    private TurnAnswerer Answerer => _parts.Answerer;

    public async Task RunAsync()
    {
        var stopping = session.Stopping;
        try
        {
            if (!await StartAsync(stopping))
            {
                return;
            }

            await TurnQueueReader.ReadAsync(session, ProcessAsync, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The session was stopped; whatever is queued is dropped with it.
        }
        catch (Exception ex)
        {
            services.Logger.LogError(ex, "Session {SessionId}: the pipeline failed", session.Id);
            await ReportAsync(ClientError.Internal());
            session.End(SessionEndReason.Error);
        }
        finally
        {
            await SettleReplyAsync();
            await Recorder.DisposeAsync();
            await decoder.DisposeAsync();
            await recognizer.DisposeAsync();
            await conversation.DisposeAsync();
            gate?.Dispose();
            _speech?.Dispose();
        }
    }

    private async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recognizer.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SpeechRecognitionException or SpeechCapacityException or DllNotFoundException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: speech recogniser failed to start", session.Id);
            await ReportAsync(new ClientError(ErrorCodes.SttUnavailable, $"Speech recognition is unavailable: {ex.Message}", ex is SpeechRecognitionException { Retryable: true } or SpeechCapacityException));
            session.End(SessionEndReason.Error);
            return false;
        }

        conversation.Commit(new AiTurn(0, session.MaxTurns, ""), session.Variant.OpeningLine);
        foreach (var prior in session.PriorTurns)
        {
            conversation.Restore(new AiTurn(prior.Turn, session.MaxTurns, prior.UserText), prior.Reply);
        }

        if (session.SpeaksOpeningLine)
        {
            await HandOverAsync(0, Answerer.SpeakOpeningAsync, cancellationToken);
        }

        return true;
    }


    private async Task ProcessAsync(PipelineItem item, CancellationToken cancellationToken)
    {
        if (item.Kind == FlushKind.RetryTurn)
        {
            await HandOverAsync(null, Answerer.RetryAsync, cancellationToken);
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

            await HearAsync(pcm, cancellationToken);
        }

        if (_cut is not null && !_cutHeardWords && services.Time.GetElapsedTime(_cutAt) >= services.BargeIn.FalseInterruptionTimeout)
        {
            _quietUtterance = true;
            await ResumeAsync(cancellationToken); // no word since the interruption: a cough, a door, not the trainee
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
            Recorder.Write(pcm.Bytes.Span);
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
        catch (SpeechCapacityException ex)
        {
            // The session's decoder was lent to another while it was quiet, and none is free now.
            await BreakUtteranceAsync(ex.Message, ErrorCodes.SttUnavailable, retryable: true);
            return;
        }

        if (partial is { Text.Length: > 0 } && partial.Text != _lastPartial)
        {
            _cutHeardWords = true;
            _lastPartial = partial.Text;
            if (gate is { UnfinishedSilenceMs: not null })
            {
                gate.SoundsUnfinished(services.UnfinishedWords.EndsUnfinished(partial.Text));
            }
            await session.EmitPartialAsync(new TurnTranscript(_nextTurn, partial.Text, false, null, TurnTimings.None));
        }
    }

    /// <summary>
    /// Decoded audio reaches the recogniser: all of it, or — with server voice detection — the speech the detector
    /// finds, whose stop ends the turn there and then.
    /// </summary>
    private async Task HearAsync(PcmBuffer pcm, CancellationToken cancellationToken)
    {
        if (gate is null)
        {
            await FeedAsync(pcm, cancellationToken);
            return;
        }

        _speech ??= new PcmBuffer(8_192);
        var from = 0;
        while (from < pcm.Count)
        {
            _speech.Clear();
            var voice = gate.Next(pcm.Samples, ref from, _speech);
            await FeedAsync(_speech, cancellationToken);
            if (voice is { Kind: VoiceEventKind.SpeechStarted } started)
            {
                var detected = Now;
                await session.EmitAsync(new UserSpeechStarted(_nextTurn, started.Milliseconds));
                await InterruptAsync(detected);
            }
            else if (voice is { } stopped)
            {
                var detected = Now;
                _voiceEndMs = gate.MsIntoTurn(stopped);
                await session.EmitAsync(new UserSpeechStopped(_nextTurn, stopped.Milliseconds));
                await CloseUtteranceAsync(detected, detected, cancellationToken);
            }
        }
    }

    /// <summary>The client ended the utterance (commit, idle flush, longest utterance): the decoder's tail is heard,
    /// speech still in progress stops here, and the turn closes.</summary>
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

            await HearAsync(tail, cancellationToken);
        }

        if (gate is { InSpeech: true })
        {
            await session.EmitAsync(new UserSpeechStopped(_nextTurn, gate.Stop().Milliseconds));
        }

        await CloseUtteranceAsync(item.FlushTimestamp, pickedUp, cancellationToken);
    }

    /// <summary>The utterance is over: unless it was broken, empty or silent, the recogniser's final word on it starts
    /// the turn, whose clock runs from <paramref name="clockStart"/> (the flush, or the detector's stop).</summary>
    private async Task CloseUtteranceAsync(long clockStart, long pickedUp, CancellationToken cancellationToken)
    {
        var turn = _nextTurn;
        var queueMs = Ms(clockStart, pickedUp);
        try
        {
            if (_utteranceBroken || !_utteranceHasAudio)
            {
                await recognizer.CancelUtteranceAsync(cancellationToken);
                Recorder.Discard();
                return;
            }

            if (_levels.PeakDbfs < services.Stt.SilencePeakDbfs)
            {
                await recognizer.CancelUtteranceAsync(cancellationToken);
                Recorder.Discard();
                if (!await NotAnInterruptionAsync(turn, cancellationToken))
                {
                    await NoSpeechAsync(turn, $"The last utterance was silent (peak {_levels.PeakDbfs:0} dBFS); check the microphone.");
                }

                return;
            }

            if (_levels.ClippedRatio > services.Stt.ClippingRatio)
            {
                await ReportAsync(new ClientError(ErrorCodes.AudioClipping,
                    $"{_levels.ClippedRatio:P1} of the last utterance is clipped; lower the microphone gain for better recognition.", true));
            }

            await RunTurnAsync(clockStart, turn, pickedUp, queueMs, cancellationToken);
        }
        finally
        {
            _levels.Reset();
            _utteranceHasAudio = false;
            _utteranceBroken = false;
            _quietUtterance = false;
            _lastPartial = "";
            _voiceEndMs = null;
            _report.Clear();
        }
    }

    private async Task RunTurnAsync(long clockStart, int turn, long pickedUp, int queueMs, CancellationToken cancellationToken)
    {
        var startedAt = services.Time.GetUtcNow();
        services.Metrics.RecordFlushToStt(ExactMs(clockStart, Now));
        // The turn's span outlives this method: the reply, on its own task, ends it (its stages are its children).
        var span = RoleplayTracing.StartTurn(session.Id, turn, session.Language);
        var handedOver = false;
        try
        {
            handedOver = await HearTurnAsync(clockStart, turn, pickedUp, queueMs, startedAt, span, cancellationToken);
        }
        finally
        {
            if (!handedOver)
            {
                span?.Dispose();
            }
        }
    }

    /// <summary>The recogniser's final word, then the reply handed to the persona; false when no reply follows.</summary>
    private async Task<bool> HearTurnAsync(long clockStart, int turn, long pickedUp, int queueMs, DateTimeOffset startedAt, Activity? span, CancellationToken cancellationToken)
    {
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
                Recorder.Discard();
                await ReportAsync(new ClientError(ErrorCodes.SttFailed, ex.Message, ex.Retryable));
                return false;
            }
        }

        if (_voiceEndMs is { } voiceEnd)
        {
            final = VoiceTail.Trim(final, voiceEnd);
        }

        var sttDone = Now;
        var sttMs = Ms(pickedUp, sttDone);
        if (final.Text.Length == 0)
        {
            Recorder.Discard();
            if (!await NotAnInterruptionAsync(turn, cancellationToken))
            {
                await NoSpeechAsync(turn, "No words were recognised in the last utterance; please say it again.");
            }

            return false;
        }

        if (_cut is { } cut && (IsBackchannel(final.Text) || IsEcho(final.Text, cut)))
        {
            Recorder.Discard();
            await NotAnInterruptionAsync(turn, cancellationToken); // "mhm", or the persona's own voice: it goes on
            return false;
        }

        if (_cut is { } stands)
        {
            _cut = null;
            await Floor.SettleAsync();
            Answerer.StandInterruption(stands);
        }

        _nextTurn++;
        var transcript = new FinalTranscript(turn, final, clockStart, startedAt, queueMs, sttMs, sttDone, _report.Errors);
        var recording = Recorder.Finish();
        await HandOverAsync(turn, async ct =>
        {
            using (span)
            {
                await Answerer.AnswerUtteranceAsync(transcript, recording, ct);
            }
        }, cancellationToken);
        return true;
    }

    private async Task NoSpeechAsync(int turn, string message)
    {
        // A final (empty) transcription closes any partial text the client is showing for this turn.
        await session.EmitAsync(new TurnTranscript(turn, "", true, null, TurnTimings.None));
        await ReportAsync(new ClientError(ErrorCodes.NoSpeech, message, true));
    }

    /// <summary>
    /// The trainee started speaking: if the persona holds the floor, its reply is cut at once — generation and speech
    /// cancelled, the client told what was heard so it stops playing — and this utterance's words decide later
    /// whether the interruption stands.
    /// </summary>
    private async Task InterruptAsync(long detected)
    {
        if (_cut is not null || Floor.Interrupt() is not { } cut)
        {
            return;
        }

        _cut = cut;
        _cutAt = detected;
        _cutHeardWords = false;
        await session.EmitAsync(new ReplyInterrupted(cut.Turn, cut.HeardText, cut.PlayedMs));
        services.Metrics.BargeInLatency.Record(services.ExactMs(detected, Now));
    }

    /// <summary>An utterance that began as an interruption ended without words that count (none, a backchannel, an
    /// echo): the persona resumes and the utterance is no turn. False when there was no interruption.</summary>
    private async Task<bool> NotAnInterruptionAsync(int turn, CancellationToken cancellationToken)
    {
        if (_cut is null)
        {
            return _quietUtterance;
        }

        await session.EmitAsync(new TurnTranscript(turn, "", true, null, TurnTimings.None)); // closes the partial text shown
        await ResumeAsync(cancellationToken);
        return true;
    }

    /// <summary>The interruption was false: the persona takes the floor back where it was cut.</summary>
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var cut = _cut!;
        _cut = null;
        await Floor.SettleAsync();
        await HandOverAsync(cut.Turn, ct => Answerer.ResumeAsync(cut, ct), cancellationToken);
    }

    private bool IsBackchannel(string text)
    {
        var words = Words(text);
        return words.Length > 0 && words.All(w => services.BargeIn.Backchannels.Contains(w, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Every word heard is a word of the persona's interrupted reply: its own voice leaking back through the
    /// trainee's microphone (echo cancellation is the client's first line; this is the server's).</summary>
    private static bool IsEcho(string text, ReplyCut cut)
    {
        var reply = Words(cut.HeardText + " " + cut.UnheardSentText).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var words = Words(text);
        return words.Length >= 2 && words.All(reply.Contains);
    }

    private static string[] Words(string text) =>
        text.Split([' ', ',', '.', '!', '?', ';', ':', '，', '。', '！', '？', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The persona's next reply, on its own task once the last has ended. A reply that fails unexpectedly
    /// fails the session, as a failing worker does.</summary>
    private Task HandOverAsync(int? turn, Func<CancellationToken, Task> answer, CancellationToken cancellationToken) =>
        Floor.HandOverAsync(turn, async ct =>
        {
            try
            {
                await answer(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                services.Logger.LogError(ex, "Session {SessionId}: the persona's reply failed", session.Id);
                await session.EmitAsync(new TurnError(ClientError.Internal()));
                session.End(SessionEndReason.Error);
            }
        }, cancellationToken);

    /// <summary>The worker is stopping: the reply in flight ends first (its failure, if any, is only logged now).</summary>
    private async Task SettleReplyAsync()
    {
        try
        {
            await Floor.SettleAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: the persona's reply failed", session.Id);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BreakUtteranceAsync(string message, string code = ErrorCodes.InvalidAudio, bool retryable = false)
    {
        if (_utteranceBroken)
        {
            return; // one report per utterance; the rest of it is dropped
        }

        _utteranceBroken = true;
        await ReportAsync(new ClientError(code, message + " The rest of this utterance is ignored; the session continues.", retryable));
    }

    private Task ReportAsync(ClientError error) => _report.ReportAsync(error);

    private int Ms(long from, long to) => (int)Math.Round(ExactMs(from, to));

    private double ExactMs(long from, long to) => services.Time.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>
    /// The session's parts that record and answer its turns: the recorder, the persona's floor and its answerer, which
    /// speaks through the floor. Made at the pipeline's start, in one place, because a field's initialiser cannot pass
    /// one field to another.
    /// </summary>
    private readonly record struct TurnParts(UtteranceRecorder Recorder, PersonaFloor Floor, TurnAnswerer Answerer)
    {
        public static TurnParts Make(ITurnSession session, IRoleplayConversation conversation, IAvatarSpeech avatarSpeech, PipelineServices services)
        {
            var report = new TurnReport(session, services.Metrics); // the persona's problems, apart from hearing's
            var recorder = new UtteranceRecorder(services.Recordings, services.MediaStore);
            var floor = new PersonaFloor(services, session.Playback);
            var answerer = new TurnAnswerer(session, conversation, new ReplySpeaker(session, avatarSpeech, report, floor, services), report, services);
            return new(recorder, floor, answerer);
        }
    }
}
