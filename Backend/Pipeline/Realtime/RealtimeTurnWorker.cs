using System.Diagnostics;
using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Providers.Realtime;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline.Realtime;

/// <summary>
/// One session's worker on a realtime speech-to-speech model, behind the same events as the cascaded
/// <see cref="TurnPipeline"/>, so clients cannot tell the engines apart. It runs two loops: the session's queue (decode
/// → our voice detection where the vendor has none → resample to the vendor's rate → upstream), and the model's events
/// (speech, transcripts, the reply's text and audio → events, stored segments, the journal). The reply's audio goes to
/// the client in short stored segments as it arrives (<see cref="RealtimeReply"/>), and barge-in cancels the reply
/// upstream and truncates it at what the client played.
/// <para>Invariant: a turn is numbered when the user's speech stops (or the client commits), and its transcript, reply
/// and journal record all carry that number, whatever order the vendor's events come in.</para>
/// </summary>
internal sealed class RealtimeTurnWorker(ITurnSession session, IAudioStreamDecoder decoder, SpeechGate? gate, RealtimeLink link, PipelineServices services)
{
    private readonly Lock _state = new();
    private readonly PersonaFloor _floor = new(services, session.Playback);
    private readonly UtteranceRecorder _recorder = new(services.Recordings, services.MediaStore);
    private readonly Lock _recording = new(); // the worker writes the recording while the vendor's speech-stopped, heard by the listener, finishes it
    private readonly TurnReport _report = new(session, services.Metrics);
    private readonly Queue<int> _awaitingTranscript = new();
    private readonly Dictionary<int, TurnRecord> _records = [];
    private readonly List<(int Turn, RealtimeHistoryItem Item)> _history = [];
    private readonly PcmBuffer _speech = new(8_192);
    private readonly PcmBuffer _upstream = new(8_192);
    private PolyphaseResampler? _resampler;
    private float[] _floats = new float[4_096];
    private int _nextTurn = 1;
    private int? _answering;            // the turn the next reply answers
    private bool _userSpeaking;
    private bool _sentSinceCommit;      // audio went up since the last commit (a manual commit needs some)
    private bool _speechAnnounced;      // the vendor reports speech starts and stops (Gemini does not)
    private volatile string? _lastResponseId; // the reply the events have reached, which a barge-in cuts
    private RealtimeReply? _reply;
    private ReplyClock? _clock;         // from the end of the user's speech, for the turn being answered

    private IRealtimeConnection Upstream => link.Connection;

    public async Task RunAsync()
    {
        var stopping = session.Stopping;
        using var events = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var listening = Task.Run(() => ListenAsync(events.Token), CancellationToken.None);
        try
        {
            await OpenAsync();
            await TurnQueueReader.ReadAsync(session, ProcessAsync, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            services.Logger.LogError(ex, "Session {SessionId}: the realtime worker failed", session.Id);
            await _report.ReportAsync(ClientError.Internal());
            session.End(SessionEndReason.Error);
        }
        finally
        {
            await events.CancelAsync();
            await Quietly(listening);
            await Quietly(_floor.SettleAsync());
            await Quietly(Upstream.FinishAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
            await Upstream.DisposeAsync();
            await _recorder.DisposeAsync();
            await decoder.DisposeAsync();
            gate?.Dispose();
            _speech.Dispose();
            _upstream.Dispose();
        }
    }

    /// <summary>Turn 0: the scenario's opening line, which the model was given as its first words. A realtime model
    /// cannot be made to say a fixed line, so it is sent as text (no audio) and kept in the history.</summary>
    private async Task OpenAsync()
    {
        if (!session.SpeaksOpeningLine)
        {
            return;
        }

        var text = session.Variant.OpeningLine;
        var now = services.Time.GetUtcNow();
        await session.EmitAsync(new TurnReply(0, text, 0, session.MaxTurns, new ReplyClock(services, services.Now, null, null).Timings(), TextOnly: true));
        services.Journal.TurnCompleted(new TurnRecord
        {
            HistoryKey = session.HistoryKey, SessionId = session.Id, Turn = 0, UserText = "", AiText = text, StartedAt = now, CompletedAt = now,
        });
    }

    private async Task ProcessAsync(PipelineItem item, CancellationToken cancellationToken)
    {
        if (item.Kind == FlushKind.RetryTurn)
        {
            await _report.ReportAsync(new ClientError(ErrorCodes.InvalidRequest,
                "retry-turn is not available on a realtime engine: the model keeps its own conversation. Say it again.", false));
            return;
        }

        if (item.Segment.Length > 0)
        {
            using var pcm = new PcmBuffer(Math.Max(4_096, item.Segment.Length));
            try
            {
                foreach (var block in item.Segment.Blocks)
                {
                    await decoder.DecodeAsync(block, pcm, cancellationToken);
                }

                if (item.EndOfUtterance)
                {
                    await decoder.EndUtteranceAsync(pcm, cancellationToken);
                }
            }
            catch (AudioFormatException ex)
            {
                await _report.ReportAsync(new ClientError(ErrorCodes.InvalidAudio, ex.Message + " The rest of this chunk is ignored; the session continues.", false));
            }

            await HearAsync(pcm, cancellationToken);
        }

        if (item.EndOfUtterance)
        {
            await EndUtteranceAsync(cancellationToken);
        }
    }

    /// <summary>Decoded audio: recorded, and sent up — all of it to a vendor that detects speech, only the speech our
    /// gate finds to one that does not (whose stop then commits the turn).</summary>
    private async Task HearAsync(PcmBuffer pcm, CancellationToken cancellationToken)
    {
        if (services.Media.KeepUserAudio)
        {
            lock (_recording)
            {
                _recorder.Write(pcm.Bytes.Span);
            }
        }

        if (gate is null)
        {
            await SendAsync(pcm, cancellationToken);
            return;
        }

        var from = 0;
        while (from < pcm.Count)
        {
            _speech.Clear();
            var voice = gate.Next(pcm.Samples, ref from, _speech);
            await SendAsync(_speech, cancellationToken);
            if (voice is { Kind: VoiceEventKind.SpeechStarted } started)
            {
                await SpeechStartedAsync(started.Milliseconds, cancellationToken);
            }
            else if (voice is { } stopped)
            {
                await SpeechStoppedAsync(stopped.Milliseconds, commit: true, cancellationToken);
            }
        }
    }

    /// <summary>The client ended the utterance (commit, idle flush): speech in progress stops here and the turn is
    /// committed upstream, when the vendor is not the one deciding.</summary>
    private async Task EndUtteranceAsync(CancellationToken cancellationToken)
    {
        if (gate is { InSpeech: true })
        {
            await SpeechStoppedAsync(gate.Stop().Milliseconds, commit: true, cancellationToken);
        }
        else if (gate is null && !Upstream.VendorDetectsSpeech && _sentSinceCommit)
        {
            await SpeechStoppedAsync(session.TurnCount, commit: true, cancellationToken, reported: false);
        }
        else if (gate is null && Upstream.VendorDetectsSpeech && _userSpeaking)
        {
            await CommitUpstreamAsync(cancellationToken); // push-to-talk over vendor VAD: the release ends the turn now
        }
    }

    /// <summary>Sends decoded audio up at the vendor's rate, from pooled buffers (the connection is done with them when
    /// the append returns).</summary>
    private async Task SendAsync(PcmBuffer pcm, CancellationToken cancellationToken)
    {
        if (pcm.Count == 0)
        {
            return;
        }

        var upstream = Upstream;
        var start = Stopwatch.GetTimestamp();
        var bytes = upstream.InputSampleRate == AudioFormat.NormalizedSampleRate ? pcm.Bytes : Resample(pcm.Samples, upstream.InputSampleRate);
        try
        {
            await upstream.AppendAudioAsync(bytes, cancellationToken);
            _sentSinceCommit = true;
            services.Metrics.RecordRealtimeAppend(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch (RealtimeProviderException ex) when (ex.ConnectionClosed)
        {
            // The connection is being replaced (a session cap, a drop): this audio is lost, the next goes to the new one.
            services.Logger.LogDebug("Session {SessionId}: realtime audio dropped while reconnecting: {Message}", session.Id, ex.Message);
        }
    }

    /// <summary>Ends the user's turn upstream. A connection that closed meanwhile (a session cap, a drop) lost the turn
    /// with its audio: the trainee is told to say it again, and the session goes on on the next connection.</summary>
    private async Task CommitUpstreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Upstream.CommitAsync(cancellationToken);
        }
        catch (RealtimeProviderException ex) when (ex.ConnectionClosed)
        {
            await _report.ReportAsync(new ClientError(ErrorCodes.AiFailed, "The model's connection was being renewed as your turn ended, so it did not hear it; please say it again.", true));
        }
    }

    private ReadOnlyMemory<byte> Resample(ReadOnlySpan<short> samples, int rate)
    {
        _resampler ??= new PolyphaseResampler(AudioFormat.NormalizedSampleRate, rate);
        if (_floats.Length < samples.Length)
        {
            _floats = new float[samples.Length * 2];
        }

        for (var i = 0; i < samples.Length; i++)
        {
            _floats[i] = samples[i] / 32768f;
        }

        _upstream.Clear();
        _resampler.Process(_floats.AsSpan(0, samples.Length), _upstream);
        return _upstream.Bytes;
    }

    /// <summary>The model's events, in order, for as long as the session lasts — across reconnections.</summary>
    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var closed = (Closed?)null;
            try
            {
                await foreach (var evt in Upstream.Events.ReadAllAsync(cancellationToken))
                {
                    if (evt is Closed c)
                    {
                        closed = c;
                        break;
                    }

                    await OnEventAsync(evt, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                services.Logger.LogError(ex, "Session {SessionId}: handling a realtime event failed", session.Id);
                await _report.ReportAsync(ClientError.Internal());
                session.End(SessionEndReason.Error);
                return;
            }

            if (cancellationToken.IsCancellationRequested || closed?.Reason == RealtimeCloseReason.Finished || session.EndReason is not null)
            {
                return;
            }

            if (!await ReconnectAsync(closed, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>The vendor closed the connection (its session cap, a drop): a new one continues the conversation. A
    /// reply cut off by the close is kept as far as it was sent.</summary>
    private async Task<bool> ReconnectAsync(Closed? closed, CancellationToken cancellationToken)
    {
        services.Logger.LogInformation("Session {SessionId}: realtime connection closed ({Reason}: {Detail}); reconnecting", session.Id, closed?.Reason, closed?.Detail);
        await FinishReplyAsync(RealtimeResponseStatus.Incomplete, null, cancellationToken);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                List<RealtimeHistoryItem> history;
                lock (_state)
                {
                    history = [.. _history.OrderBy(h => h.Turn).ThenBy(h => h.Item.Role).Select(h => h.Item)];
                }

                await link.ReconnectAsync(history, cancellationToken);
                return true;
            }
            catch (RealtimeProviderException ex) when (attempt < 3 && ex.Retryable)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), services.Time, cancellationToken);
            }
            catch (RealtimeProviderException ex)
            {
                await _report.ReportAsync(new ClientError(ex.Code, $"The realtime model could not be reached again: {ex.Message}", ex.Retryable));
                session.End(SessionEndReason.Error);
                return false;
            }
        }

        return false;
    }

    private async Task OnEventAsync(RealtimeEvent evt, CancellationToken cancellationToken)
    {
        switch (evt)
        {
            case SpeechStarted started:
                _speechAnnounced = true;
                await SpeechStartedAsync(started.AudioStartMs, cancellationToken);
                break;
            case SpeechStopped stopped:
                _speechAnnounced = true;
                await SpeechStoppedAsync(stopped.AudioEndMs, commit: false, cancellationToken);
                break;
            case InputTranscript transcript:
                await UserTranscriptAsync(transcript);
                break;
            case ResponseStarted started:
                _lastResponseId = started.ResponseId;
                await ReplyStartedAsync(cancellationToken);
                break;
            case OutputTranscriptDelta delta when _reply is { Interrupted: false } reply:
                reply.AddText(delta.Text);
                reply.Clock.FirstTokenReached();
                await session.EmitDeltaAsync(reply.Deltas.Grown());
                break;
            case OutputAudio audio when _reply is { Interrupted: false } reply:
                reply.AddAudio(audio.Pcm16.Span);
                await SendSegmentAsync(reply, last: false, null, audio.ReceivedAt, cancellationToken);
                break;
            case ResponseDone done:
                await FinishReplyAsync(done.Status, done.Transcript, cancellationToken);
                break;
            case Interrupted:
                await InterruptAsync(cancellationToken); // Gemini stopped by itself: the client stops playing
                break;
            case ResumptionUpdate update:
                link.Resumable(update.Handle);
                break;
            case RealtimeFailure failure:
                services.Logger.LogWarning("Session {SessionId}: realtime model error {VendorCode}: {Message}", session.Id, failure.VendorCode, failure.Message);
                await _report.ReportAsync(new ClientError(failure.Code, failure.Message, failure.Retryable));
                break;
        }
    }

    private async Task SpeechStartedAsync(long audioStartMs, CancellationToken cancellationToken)
    {
        int turn;
        lock (_state)
        {
            _userSpeaking = true;
            turn = _nextTurn;
        }

        await session.EmitAsync(new UserSpeechStarted(turn, audioStartMs));
        await InterruptAsync(cancellationToken);
    }

    /// <summary>The user stopped: the turn is numbered, its clock starts, its recording is kept, and — when we detect
    /// speech — it is committed upstream so the model answers.</summary>
    private async Task SpeechStoppedAsync(long audioEndMs, bool commit, CancellationToken cancellationToken, bool reported = true)
    {
        int turn;
        lock (_state)
        {
            turn = NumberTurn();
        }

        if (reported)
        {
            await session.EmitAsync(new UserSpeechStopped(turn, audioEndMs));
        }

        await StoreRecordingAsync(turn, cancellationToken);
        if (commit)
        {
            _sentSinceCommit = false;
            await CommitUpstreamAsync(cancellationToken);
        }
    }

    /// <summary>The user's turn is over: it takes the next number, and its clock starts. Under <see cref="_state"/>.</summary>
    private int NumberTurn()
    {
        _userSpeaking = false;
        var turn = _nextTurn++;
        _answering = turn;
        _awaitingTranscript.Enqueue(turn);
        _clock = new ReplyClock(services, services.Now, null, null);
        var now = services.Time.GetUtcNow();
        _records[turn] = new TurnRecord { HistoryKey = session.HistoryKey, SessionId = session.Id, Turn = turn, UserText = "", StartedAt = now, CompletedAt = now };
        return turn;
    }

    /// <summary>A vendor that announces no speech (Gemini) ends the user's turn by its final transcript or its reply,
    /// whichever comes first: that is when the turn is numbered. Under <see cref="_state"/>.</summary>
    private bool NumberUnannouncedTurn()
    {
        if (_speechAnnounced || gate is not null || _answering is not null || _awaitingTranscript.Count > 0)
        {
            return false;
        }

        NumberTurn();
        return true;
    }

    private async Task StoreRecordingAsync(int turn, CancellationToken cancellationToken)
    {
        RecordedUtterance? recording;
        lock (_recording)
        {
            recording = _recorder.Finish();
        }

        if (recording is null)
        {
            return;
        }

        try
        {
            using (recording)
            {
                var stored = await recording.StoreAsync(services.MediaStore, cancellationToken);
                lock (_state)
                {
                    _records[turn] = _records[turn] with { UserAudioKey = stored.Key };
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: storing the user's audio failed", session.Id);
            await _report.ReportAsync(new ClientError(ErrorCodes.StorageFailed, "Your audio for this turn could not be stored; the transcript is kept.", true));
        }
    }

    private async Task UserTranscriptAsync(InputTranscript transcript)
    {
        int turn;
        ReplyClock? clock;
        TurnRecord? record = null;
        lock (_state)
        {
            if (!transcript.IsFinal)
            {
                turn = _awaitingTranscript.Count > 0 ? _awaitingTranscript.Peek() : _nextTurn;
                clock = null;
            }
            else
            {
                NumberUnannouncedTurn();
                turn = _awaitingTranscript.Count > 0 ? _awaitingTranscript.Dequeue() : _nextTurn - 1;
                clock = _answering == turn ? _clock : null;
                if (_records.TryGetValue(turn, out var pending))
                {
                    record = _records[turn] = pending with { UserText = transcript.Text, TranscriptMs = clock?.TranscriptReached() };
                    _history.Add((turn, new RealtimeHistoryItem(RealtimeRole.User, transcript.Text)));
                }
            }
        }

        if (!transcript.IsFinal)
        {
            await session.EmitPartialAsync(new TurnTranscript(turn, transcript.Text, false, null, TurnTimings.None));
            return;
        }

        await session.EmitAsync(new TurnTranscript(turn, transcript.Text, true, null, clock?.Timings() ?? TurnTimings.None));
        if (record is { AiText: not null })
        {
            services.Journal.TurnCompleted(record with { Revision = true }); // the reply was journalled before the transcript came
        }
    }

    private async Task ReplyStartedAsync(CancellationToken cancellationToken)
    {
        await FinishReplyAsync(RealtimeResponseStatus.Incomplete, null, cancellationToken); // a reply never overlaps the last
        RealtimeReply reply;
        lock (_state)
        {
            NumberUnannouncedTurn();
            var turn = _answering ?? Math.Max(0, _nextTurn - 1);
            _answering = null;
            reply = _reply = new RealtimeReply(turn, _clock ?? new ReplyClock(services, services.Now, null, null), Upstream.OutputSampleRate, services.Ai.DeltaInterval, services.Time);
        }

        session.TurnStarted();
        await _floor.HandOverAsync(reply.Turn, ct => reply.Done.Task.WaitAsync(ct), cancellationToken);
    }

    /// <summary>Sends the next segment of the reply's audio when enough has gathered (or the rest, when
    /// <paramref name="last"/>): stored as WAV, announced with estimated lip-sync, and noted on the floor so barge-in
    /// knows what was played. <paramref name="upstreamAt"/>: when the audio that completed it was read from the vendor
    /// (0 = not by the vendor's audio), where the server's own time on the first segment starts.</summary>
    private async Task SendSegmentAsync(RealtimeReply reply, bool last, string? finalTranscript, long upstreamAt, CancellationToken cancellationToken)
    {
        var audio = reply.NextSegment(last);
        if (audio.IsEmpty)
        {
            return;
        }

        await session.EmitDeltaAsync(reply.Deltas.Flush()); // the text so far reaches the screen before the audio plays

        var segment = reply.Segments.Count;
        var text = reply.TakeText(last, finalTranscript);
        var wav = new byte[WavFile.HeaderSize + audio.Length];
        WavFile.Write(wav, audio.Span, WavFile.Pcm16(reply.SampleRate));
        var durationMs = (int)(audio.Length * 500L / reply.SampleRate);
        var visemes = LoudnessVisemes.FromPcm16(audio.Span, reply.SampleRate);
        reply.Released(audio.Length);
        var storeStart = services.Now;
        StoredMedia stored;
        try
        {
            stored = await services.MediaStore.SaveAsync(wav, MediaKind.AvatarAudio, "wav", cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            services.Logger.LogError(ex, "Session {SessionId}: storing realtime audio failed", session.Id);
            await _report.ReportAsync(new ClientError(ErrorCodes.StorageFailed, "The avatar's audio could not be stored.", true));
            return;
        }

        var storeMs = services.Ms(storeStart, services.Now);
        if (segment == 0 && reply.Turn > 0)
        {
            reply.Clock.FirstAudioReached();
        }

        await session.EmitAsync(new TurnSpeech(reply.Turn, segment, last, text, stored.Key, session.MediaBaseUrl, null, durationMs, stored.MimeType, visemes, reply.Clock.Timings(null, storeMs)));
        if (segment == 0 && upstreamAt != 0)
        {
            // The server's own share of the first audio: the upstream's pace until this audio arrived is not ours.
            services.Metrics.RecordRealtimeFirstAudio(Stopwatch.GetElapsedTime(upstreamAt).TotalMilliseconds);
        }

        _floor.SegmentSent(reply.Turn, segment, text, durationMs, null);
        reply.Segments.Add(new AvatarSegmentRecord(segment, text, stored.Key, null, durationMs, stored.MimeType));
    }

    /// <summary>The reply ended (done, cancelled, cut off by a close): its last segment, its text, its turn counted
    /// and journalled. Nothing when no reply is in flight or it was interrupted (that journalled it already).</summary>
    private async Task FinishReplyAsync(RealtimeResponseStatus status, string? transcript, CancellationToken cancellationToken)
    {
        RealtimeReply? reply;
        lock (_state)
        {
            reply = _reply;
            _reply = null;
        }

        if (reply is null)
        {
            return;
        }

        using (reply)
        {
            if (reply.Interrupted)
            {
                return;
            }

            await session.EmitDeltaAsync(reply.Deltas.Flush());
            await SendSegmentAsync(reply, last: true, transcript, upstreamAt: 0, cancellationToken);
            var text = (transcript is { Length: > 0 } ? transcript : reply.Transcript).Trim();
            if (text.Length == 0 && reply.Segments.Count == 0)
            {
                session.TurnFinished();
                if (status is RealtimeResponseStatus.Failed)
                {
                    await _report.ReportAsync(new ClientError(ErrorCodes.AiFailed, $"The realtime model gave no reply to turn {reply.Turn}.", true));
                }

                return;
            }

            var turnCount = session.CountReply();
            await session.EmitAsync(new TurnReply(reply.Turn, text, turnCount, session.MaxTurns, reply.Clock.Timings()));
            Journal(reply, text, interrupted: false, playedMs: null, status is RealtimeResponseStatus.Completed ? [] : [$"realtime reply {status.ToString().ToLowerInvariant()}"]);
            services.Metrics.TurnsCompleted.Add(1);
            session.TurnFinished();
            if (turnCount >= session.MaxTurns)
            {
                session.End(SessionEndReason.MaxTurns);
            }
        }
    }

    /// <summary>The trainee cut in on the persona: the client is told what it heard, the reply is cancelled upstream
    /// and truncated at what was played (where the vendor can), and only the heard part stays in the history.</summary>
    private async Task InterruptAsync(CancellationToken cancellationToken)
    {
        var detected = services.Now;
        if (_floor.Interrupt() is not { } cut)
        {
            return;
        }

        RealtimeReply? reply;
        lock (_state)
        {
            reply = _reply;
            if (reply is not null)
            {
                reply.Interrupted = true;
                _reply = null;
            }
        }

        await session.EmitAsync(new ReplyInterrupted(cut.Turn, cut.HeardText, cut.PlayedMs));
        services.Metrics.BargeInLatency.Record(services.ExactMs(detected, services.Now));
        try
        {
            await Upstream.CancelResponseAsync(_lastResponseId, cut.PlayedMs, cancellationToken);
        }
        catch (RealtimeProviderException ex) when (ex.ConnectionClosed)
        {
            // The reply went with the connection (a session cap, a drop): there is nothing left to cancel.
        }
        if (reply is not null)
        {
            using (reply)
            {
                var turnCount = session.CountReply();
                Journal(reply, cut.HeardText, interrupted: true, cut.PlayedMs, []);
                session.TurnFinished();
                if (turnCount >= session.MaxTurns)
                {
                    session.End(SessionEndReason.MaxTurns);
                }
            }
        }
    }

    private void Journal(RealtimeReply reply, string text, bool interrupted, int? playedMs, IReadOnlyList<string> errors)
    {
        TurnRecord record;
        lock (_state)
        {
            var now = services.Time.GetUtcNow();
            record = _records.TryGetValue(reply.Turn, out var pending)
                ? pending
                : new TurnRecord { HistoryKey = session.HistoryKey, SessionId = session.Id, Turn = reply.Turn, UserText = "", StartedAt = now, CompletedAt = now };
            record = _records[reply.Turn] = record with
            {
                AiText = text,
                AvatarSegments = [.. reply.Segments],
                Interrupted = interrupted,
                PlayedMs = playedMs,
                TotalMs = reply.Clock.Elapsed,
                FirstTokenMs = reply.Clock.FirstTokenMs,
                FirstAudioMs = reply.Clock.FirstAudioMs,
                TranscriptMs = reply.Clock.TranscriptMs ?? pending?.TranscriptMs,
                Errors = [.. _report.Errors, .. errors],
                CompletedAt = now,
            };
            _history.Add((reply.Turn, new RealtimeHistoryItem(RealtimeRole.Assistant, interrupted && text.Length > 0 ? text + "…" : text)));
        }

        services.Journal.TurnCompleted(record);
        _report.Clear();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // shutting down: the failure, if any, was reported when it happened
        }
    }
}
