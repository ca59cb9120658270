using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Providers.Realtime.Wire;

namespace RoleplayHub.Providers.Realtime.OpenAi;

/// <summary>
/// A conversation over OpenAI's Realtime protocol, in the dialect of <see cref="OpenAiDialect"/>: GA names for OpenAI and
/// Azure, beta names for StepFun, GLM and Qwen. Written on <see cref="ClientWebSocket"/> rather than the OpenAI .NET SDK's
/// experimental realtime client (OPENAI002): that client speaks only the GA dialect, while three of the five vendors need
/// the beta one, and one hand-written event loop for both keeps barge-in, errors and caps identical across vendors and
/// the audio path free of per-chunk allocations (docs/providers.md).
/// </summary>
internal sealed class OpenAiRealtimeConnection : IRealtimeConnection
{
    private readonly RealtimeSocket _socket;
    private readonly OpenAiDialect _dialect;
    private readonly RealtimeOptions _limits;
    private readonly Channel<RealtimeEvent> _events = EventChannel.Create();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _replyTranscript = new();
    private readonly StringBuilder _inputTranscript = new();
    private Task _receiveLoop = Task.CompletedTask;

    // The reply in progress, and the last two replies with their assistant items (kept after response.done: a barge-in
    // during playback of a finished reply still truncates it). Two, because this loop reads ahead of the caller: when
    // the caller cuts a reply, the vendor may already have started the next one, which must be left alone.
    private volatile string? _activeResponseId;
    private volatile ReplyTrack? _current;
    private volatile ReplyTrack? _previous;
    private volatile bool _sessionExpired;
    private volatile bool _finishing;
    private long _receivedAt;      // the message being translated was read then (receive loop only)

    private OpenAiRealtimeConnection(RealtimeSocket socket, OpenAiDialect dialect, RealtimeOptions limits, bool vendorDetectsSpeech)
    {
        _socket = socket;
        _dialect = dialect;
        _limits = limits;
        VendorDetectsSpeech = vendorDetectsSpeech;
    }

    public string Vendor => _dialect.Vendor;

    public int InputSampleRate => _dialect.InputSampleRate;

    public int OutputSampleRate => _dialect.OutputSampleRate;

    public bool VendorDetectsSpeech { get; }

    public bool CanTruncate => _dialect.CanTruncate;

    public ChannelReader<RealtimeEvent> Events => _events.Reader;

    /// <summary>Connects, sends <c>session.update</c> at once (not waiting for <c>session.created</c>, which a vendor
    /// could omit), waits for <c>session.updated</c>, then sends the history. Any <c>error</c> or close before that throws.</summary>
    public static async Task<OpenAiRealtimeConnection> OpenAsync(
        OpenAiDialect dialect, RealtimeProfileOptions profile, RealtimeOptions limits, RealtimeSessionSetup setup, CancellationToken ct)
    {
        var socket = await RealtimeSocket.ConnectAsync(dialect.Url(profile), dialect.Headers(profile.ApiKey ?? ""), limits.ConnectTimeout, ct);
        var connection = new OpenAiRealtimeConnection(socket, dialect, limits, setup.TurnDetection.VendorDetectsSpeech);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(limits.ConfigureTimeout);
            try
            {
                await connection.ConfigureAsync(profile, setup, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new RealtimeProviderException(ErrorCodes.AiFailed,
                    $"The realtime model did not confirm the session within {limits.ConfigureTimeout.TotalSeconds:0.#} s.", retryable: true);
            }
            catch (Exception ex) when (ex is WebSocketException or JsonException)
            {
                throw new RealtimeProviderException(ErrorCodes.AiFailed, "The realtime model broke off the set-up.", retryable: true, ex);
            }
        }
        catch
        {
            await socket.CloseAsync(limits.FinishTimeout);
            await socket.DisposeAsync();
            throw;
        }

        connection._receiveLoop = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
        return connection;
    }

    private async Task ConfigureAsync(RealtimeProfileOptions profile, RealtimeSessionSetup setup, CancellationToken ct)
    {
        await _socket.SendAsync(OpenAiSessionWriter.SessionUpdate, (_dialect, profile, setup), ct);
        while (true)
        {
            var message = await _socket.ReceiveAsync(ct) ?? throw ClosedDuringSetup();
            using var doc = JsonDocument.Parse(message);
            var root = doc.RootElement;
            switch (NullableStr(root, "type"))
            {
                case "session.updated":
                    foreach (var item in setup.History)
                    {
                        await _socket.SendAsync(OpenAiSessionWriter.HistoryItem, (_dialect, item), ct);
                    }

                    return;
                case "error":
                    var failure = Failure(root);
                    throw new RealtimeProviderException(failure.Code, failure.Message, failure.Retryable);
            }
        }
    }

    private RealtimeProviderException ClosedDuringSetup()
    {
        var status = _socket.CloseStatus;
        var retryable = status is not (WebSocketCloseStatus.PolicyViolation or WebSocketCloseStatus.InvalidPayloadData);
        return new RealtimeProviderException(ErrorCodes.AiFailed,
            $"The realtime model closed the connection during set-up ({(int?)status} {_socket.CloseStatusDescription}).", retryable);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // every audio chunk: no state machine per call
    public async ValueTask AppendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken ct)
    {
        if (!_dialect.WavInput)
        {
            await _socket.SendAsync(static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("type", "input_audio_buffer.append");
                OpenAiSessionWriter.Timestamp(w, s.Dialect);
                w.WriteBase64String("audio", s.Pcm.Span); // straight into the send buffer: no string per chunk
                w.WriteEndObject();
            }, (Dialect: _dialect, Pcm: pcm16), ct);
            return;
        }

        // GLM: each chunk is a whole WAV file, built in a pooled array.
        var wav = ArrayPool<byte>.Shared.Rent(WavFile.HeaderSize + pcm16.Length);
        try
        {
            var length = WavChunk.Write(wav, pcm16.Span, InputSampleRate);
            await _socket.SendAsync(static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("type", "input_audio_buffer.append");
                OpenAiSessionWriter.Timestamp(w, s.Dialect);
                w.WriteBase64String("audio", s.Wav.AsSpan(0, s.Length));
                w.WriteEndObject();
            }, (Dialect: _dialect, Wav: wav, Length: length), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(wav);
        }
    }

    public async ValueTask CommitAsync(CancellationToken ct)
    {
        await SendTypeAsync("input_audio_buffer.commit", ct);
        await SendTypeAsync("response.create", ct);
    }

    public async ValueTask CancelResponseAsync(string? responseId, int? playedMs, CancellationToken ct)
    {
        var track = _current is { } current && (responseId is null || current.ResponseId == responseId) ? current
            : _previous is { } previous && previous.ResponseId == responseId ? previous
            : null;
        if (track is null)
        {
            return;
        }

        if (_activeResponseId == track.ResponseId)
        {
            await _socket.SendAsync(static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("type", "response.cancel");
                OpenAiSessionWriter.Timestamp(w, s.Dialect);
                if (s.Dialect.Ga)
                {
                    w.WriteString("response_id", s.ResponseId);
                }

                w.WriteEndObject();
            }, (Dialect: _dialect, track.ResponseId), ct);
        }

        // Truncate only what was not heard: audio_end_ms past the item's audio is refused by the vendor.
        if (_dialect.CanTruncate && playedMs is { } played && track.ItemId is { } itemId && !track.Truncated
            && played < Interlocked.Read(ref track.AudioBytes) * 1000 / (2 * OutputSampleRate))
        {
            track.Truncated = true;
            await _socket.SendAsync(static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("type", "conversation.item.truncate");
                w.WriteString("item_id", s.ItemId);
                w.WriteNumber("content_index", 0);
                w.WriteNumber("audio_end_ms", Math.Max(0, s.Played));
                w.WriteEndObject();
            }, (ItemId: itemId, Played: played), ct);
        }
    }

    public async ValueTask FinishAsync(CancellationToken ct)
    {
        if (_finishing)
        {
            return;
        }

        _finishing = true;
        if (_dialect.FinishEvent && _socket.State == WebSocketState.Open)
        {
            try
            {
                await SendTypeAsync("session.finish", ct);
                await _finished.Task.WaitAsync(_limits.FinishTimeout, ct); // Qwen answers session.finished
            }
            catch (Exception ex) when (ex is TimeoutException or WebSocketException)
            {
                // not answered in time: close anyway
            }
        }

        await _socket.CloseAsync(_limits.FinishTimeout);
        await _receiveLoop.WaitAsync(_limits.FinishTimeout, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private ValueTask SendTypeAsync(string type, CancellationToken ct) => _socket.SendAsync(static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("type", s.Type);
        OpenAiSessionWriter.Timestamp(w, s.Dialect);
        w.WriteEndObject();
    }, (Dialect: _dialect, Type: type), ct);

    private async Task ReceiveLoopAsync()
    {
        Closed closed;
        try
        {
            while (await _socket.ReceiveAsync(_stop.Token) is { } message)
            {
                _receivedAt = Stopwatch.GetTimestamp();
                if (Translate(message) is { } e)
                {
                    await _events.Writer.WriteAsync(e, _stop.Token);
                }
            }

            await _socket.CloseAsync(_limits.FinishTimeout); // answer the vendor's close
            closed = ClosedByVendor();
        }
        catch (Exception ex) // whatever breaks the loop (network, a message we cannot read) ends the connection, never silently
        {
            closed = _finishing
                ? new Closed(RealtimeCloseReason.Finished, "closed by us")
                : new Closed(RealtimeCloseReason.Error, ex is JsonException ? "the vendor sent a message that is not JSON" : ex.Message);
        }

        _finished.TrySetResult();
        _events.Writer.TryWrite(closed); // the channel has room unless the reader stopped reading; then nobody needs it
        _events.Writer.TryComplete();
    }

    private Closed ClosedByVendor()
    {
        var detail = $"{(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}".Trim();
        if (_finishing)
        {
            return new Closed(RealtimeCloseReason.Finished, detail);
        }

        // OpenAI at its cap: error session_expired, then close 1001 "Your session hit the maximum duration of 60 minutes."
        var cap = _sessionExpired || (_socket.CloseStatus == WebSocketCloseStatus.EndpointUnavailable
            && _socket.CloseStatusDescription?.Contains("maximum duration", StringComparison.OrdinalIgnoreCase) == true);
        return new Closed(cap ? RealtimeCloseReason.SessionCap : RealtimeCloseReason.Remote, detail);
    }

    /// <summary>One vendor message as our event, or null for what we do not report (acks, rate_limits.updated, heartbeat).</summary>
    private RealtimeEvent? Translate(ReadOnlyMemory<byte> message)
    {
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        switch (NullableStr(root, "type"))
        {
            case "input_audio_buffer.speech_started":
                return new SpeechStarted(Long(root, "audio_start_ms"));
            case "input_audio_buffer.speech_stopped":
                return new SpeechStopped(Long(root, "audio_end_ms"));
            case "conversation.item.input_audio_transcription.delta":
                _inputTranscript.Append(Str(root, "delta"));
                return new InputTranscript(_inputTranscript.ToString(), IsFinal: false);
            case "conversation.item.input_audio_transcription.completed":
                _inputTranscript.Clear();
                return new InputTranscript(Str(root, "transcript"), IsFinal: true);
            case "conversation.item.input_audio_transcription.failed":
                _inputTranscript.Clear();
                return new RealtimeFailure(ErrorCodes.SttFailed, "The realtime model could not transcribe the user's speech.", Retryable: false,
                    root.TryGetProperty("error", out var sttError) ? Str(sttError, "code") : null);
            case "response.created" when root.TryGetProperty("response", out var created):
                var id = Str(created, "id");
                _previous = _current;
                _current = new ReplyTrack(id);
                _activeResponseId = id;
                _replyTranscript.Clear();
                return new ResponseStarted(id);
            case "response.output_item.added" when root.TryGetProperty("item", out var item) && Str(item, "type") == "message":
                if (_current is { } track)
                {
                    track.ItemId = Str(item, "id");
                }

                return null;
            case var t when t == _dialect.AudioDelta:
                var pcm = root.GetProperty("delta").GetBytesFromBase64(); // the event's own array
                if (_current is { } playing)
                {
                    Interlocked.Add(ref playing.AudioBytes, pcm.Length);
                }

                return new OutputAudio(pcm) { ReceivedAt = _receivedAt };
            case var t when t == _dialect.TranscriptDelta:
                var delta = Str(root, "delta");
                _replyTranscript.Append(delta);
                return new OutputTranscriptDelta(delta);
            case "response.done":
                _activeResponseId = null;
                var status = root.TryGetProperty("response", out var response) ? Str(response, "status") : "";
                return new ResponseDone(_replyTranscript.ToString(), Status(status));
            case "conversation.item.truncated":
                return new ResponseTruncated(Str(root, "item_id"), Long(root, "audio_end_ms"));
            case "session.finished":
                _finished.TrySetResult();
                return null;
            case "error":
                return ErrorEvent(root);
            default:
                return null;
        }
    }

    private RealtimeEvent? ErrorEvent(JsonElement root)
    {
        switch (root.TryGetProperty("error", out var error) ? Str(error, "code") : null)
        {
            case OpenAiErrors.SessionExpired:
                _sessionExpired = true;
                return new SessionExpiring(TimeSpan.Zero);
            case OpenAiErrors.CancelNotActive:
                return null; // the reply ended just before our cancel arrived
            default:
                return Failure(root);
        }
    }

    private static RealtimeFailure Failure(JsonElement root)
    {
        var error = root.TryGetProperty("error", out var e) ? e : root;
        return OpenAiErrors.Map(NullableStr(error, "type"), NullableStr(error, "code"), Str(error, "message"));
    }

    private static RealtimeResponseStatus Status(string status) => status switch
    {
        "completed" => RealtimeResponseStatus.Completed,
        "cancelled" => RealtimeResponseStatus.Cancelled,
        "incomplete" => RealtimeResponseStatus.Incomplete,
        _ => RealtimeResponseStatus.Failed,
    };

    private static string Str(JsonElement e, string name) => NullableStr(e, name) ?? "";

    private static string? NullableStr(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    public async ValueTask DisposeAsync()
    {
        if (!_receiveLoop.IsCompleted)
        {
            _finishing = true;
            await _socket.CloseAsync(_limits.FinishTimeout);
            await _stop.CancelAsync();
            await _receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _socket.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>A reply the caller may cut: its response, its assistant item and how much audio that item has.</summary>
    private sealed class ReplyTrack(string responseId)
    {
        public long AudioBytes;

        public string ResponseId { get; } = responseId;

        public string? ItemId { get; set; }

        public bool Truncated { get; set; }
    }
}
