using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using RoleplayHub.Core;
using RoleplayHub.Providers.Realtime.Wire;

namespace RoleplayHub.Providers.Realtime.Gemini;

/// <summary>
/// A conversation with Gemini Live (<c>BidiGenerateContent</c>; protocol doc §6). Hand-written on
/// <see cref="ClientWebSocket"/>: the Google.GenAI .NET SDK is not served by our NuGet registry. Audio goes up as
/// <c>realtimeInput.audio</c> (16 kHz) and comes back in <c>serverContent.modelTurn</c> (24 kHz). Gemini has no cancel
/// or truncate: when it hears the user it stops by itself and says <c>interrupted</c>. With our own VAD
/// (automatic detection disabled) the first audio after a commit opens an activity (<c>activityStart</c>) and
/// <see cref="CommitAsync"/> closes it (<c>activityEnd</c>); with Gemini's VAD a commit sends <c>audioStreamEnd</c>.
/// </summary>
internal sealed class GeminiLiveConnection : IRealtimeConnection
{
    private static readonly Uri DefaultEndpoint =
        new("wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent");

    private readonly RealtimeSocket _socket;
    private readonly RealtimeOptions _limits;
    private readonly Channel<RealtimeEvent> _events = EventChannel.Create();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _replyTranscript = new();
    private readonly StringBuilder _inputTranscript = new();
    private Task _receiveLoop = Task.CompletedTask;
    private int _turns;
    private volatile bool _replying;
    private volatile bool _activityOpen;
    private volatile bool _goingAway;
    private volatile bool _finishing;
    private long _receivedAt;      // the message being translated was read then (receive loop only)

    private GeminiLiveConnection(RealtimeSocket socket, RealtimeOptions limits, bool vendorDetectsSpeech)
    {
        _socket = socket;
        _limits = limits;
        VendorDetectsSpeech = vendorDetectsSpeech;
    }

    public string Vendor => RealtimeVendors.Gemini;

    public int InputSampleRate => 16000;

    public int OutputSampleRate => 24000;

    public bool VendorDetectsSpeech { get; }

    public bool CanTruncate => false;

    public ChannelReader<RealtimeEvent> Events => _events.Reader;

    public static async Task<GeminiLiveConnection> OpenAsync(RealtimeProfileOptions profile, RealtimeOptions limits, RealtimeSessionSetup setup, CancellationToken ct)
    {
        var endpoint = profile.Endpoint ?? DefaultEndpoint;
        var url = new UriBuilder(endpoint) { Scheme = endpoint.Scheme is "http" or "ws" ? "ws" : "wss", Port = endpoint.IsDefaultPort ? -1 : endpoint.Port }.Uri;
        var socket = await RealtimeSocket.ConnectAsync(url, [new("x-goog-api-key", profile.ApiKey ?? "")], limits.ConnectTimeout, ct);
        var connection = new GeminiLiveConnection(socket, limits, setup.TurnDetection.VendorDetectsSpeech);
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
        await _socket.SendAsync(GeminiSetupWriter.Setup, (profile, setup), ct);
        while (true)
        {
            if (await _socket.ReceiveAsync(ct) is not { } message)
            {
                var failure = GeminiErrors.FromClose(_socket.CloseStatus, _socket.CloseStatusDescription);
                throw new RealtimeProviderException(ErrorCodes.AiFailed,
                    failure?.Message ?? $"The realtime model closed the connection during set-up ({(int?)_socket.CloseStatus}).", failure?.Retryable ?? true);
            }

            using var doc = JsonDocument.Parse(message);
            if (doc.RootElement.TryGetProperty("setupComplete", out _))
            {
                break;
            }
        }

        // A resumed session already has its context; a fresh one after a reconnect is re-seeded.
        if (setup.ResumptionHandle is null && setup.History.Count > 0)
        {
            await _socket.SendAsync(static (w, h) => GeminiSetupWriter.History(w, h), setup.History, ct);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // every audio chunk: no state machine per call
    public async ValueTask AppendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken ct)
    {
        if (!VendorDetectsSpeech && !_activityOpen)
        {
            _activityOpen = true;
            await SendRealtimeInputAsync("activityStart", ct);
        }

        await _socket.SendAsync(static (w, pcm) =>
        {
            w.WriteStartObject();
            w.WriteStartObject("realtimeInput");
            w.WriteStartObject("audio");
            w.WriteBase64String("data", pcm.Span);
            w.WriteString("mimeType", "audio/pcm;rate=16000");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }, pcm16, ct);
    }

    public async ValueTask CommitAsync(CancellationToken ct)
    {
        if (VendorDetectsSpeech)
        {
            await SendRealtimeInputAsync("audioStreamEnd", ct);
        }
        else if (_activityOpen)
        {
            _activityOpen = false;
            await SendRealtimeInputAsync("activityEnd", ct);
        }
    }

    /// <summary>Nothing to send: Gemini stops its reply itself when it hears the user (<see cref="Interrupted"/>), and
    /// has no truncate; the caller flushes playback. Documented on <see cref="IRealtimeConnection.CancelResponseAsync"/>.</summary>
    public ValueTask CancelResponseAsync(string? responseId, int? playedMs, CancellationToken ct) => ValueTask.CompletedTask;

    public async ValueTask FinishAsync(CancellationToken ct)
    {
        _finishing = true;
        await _socket.CloseAsync(_limits.FinishTimeout);
        await _receiveLoop.WaitAsync(_limits.FinishTimeout, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private ValueTask SendRealtimeInputAsync(string field, CancellationToken ct) => _socket.SendAsync(static (w, f) =>
    {
        w.WriteStartObject();
        w.WriteStartObject("realtimeInput");
        if (f == "audioStreamEnd")
        {
            w.WriteBoolean(f, true);
        }
        else
        {
            w.WriteStartObject(f);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }, field, ct);

    private async Task ReceiveLoopAsync()
    {
        Closed closed;
        try
        {
            while (await _socket.ReceiveAsync(_stop.Token) is { } message)
            {
                _receivedAt = Stopwatch.GetTimestamp();
                foreach (var e in Translate(message))
                {
                    await _events.Writer.WriteAsync(e, _stop.Token);
                }
            }

            await _socket.CloseAsync(_limits.FinishTimeout);
            closed = ClosedByVendor();
        }
        catch (Exception ex) // whatever breaks the loop (network, a message we cannot read) ends the connection, never silently
        {
            closed = _finishing
                ? new Closed(RealtimeCloseReason.Finished, "closed by us")
                : new Closed(RealtimeCloseReason.Error, ex is JsonException ? "the vendor sent a message that is not JSON" : ex.Message);
        }

        _events.Writer.TryWrite(closed);
        _events.Writer.TryComplete();
    }

    private Closed ClosedByVendor()
    {
        var detail = $"{(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}".Trim();
        if (_finishing)
        {
            return new Closed(RealtimeCloseReason.Finished, detail);
        }

        if (_goingAway)
        {
            return new Closed(RealtimeCloseReason.SessionCap, detail);
        }

        if (GeminiErrors.FromClose(_socket.CloseStatus, _socket.CloseStatusDescription) is { } failure)
        {
            _events.Writer.TryWrite(failure);
            return new Closed(RealtimeCloseReason.Error, detail);
        }

        return new Closed(RealtimeCloseReason.Remote, detail);
    }

    /// <summary>One server message can carry several things (a transcription beside audio, <c>turnComplete</c>).</summary>
    private List<RealtimeEvent> Translate(ReadOnlyMemory<byte> message)
    {
        var events = new List<RealtimeEvent>(2);
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        if (root.TryGetProperty("serverContent", out var content))
        {
            ServerContent(content, events);
        }

        if (root.TryGetProperty("goAway", out var goAway))
        {
            _goingAway = true;
            events.Add(new SessionExpiring(goAway.TryGetProperty("timeLeft", out var left) ? Duration(left.GetString()) : null));
        }

        if (root.TryGetProperty("sessionResumptionUpdate", out var update)
            && update.TryGetProperty("newHandle", out var handle) && handle.GetString() is { Length: > 0 } h
            && (!update.TryGetProperty("resumable", out var resumable) || resumable.GetBoolean()))
        {
            events.Add(new ResumptionUpdate(h));
        }

        return events;
    }

    private void ServerContent(JsonElement content, List<RealtimeEvent> events)
    {
        if (content.TryGetProperty("inputTranscription", out var input) && input.TryGetProperty("text", out var inputText))
        {
            _inputTranscript.Append(inputText.GetString());
            var finished = input.TryGetProperty("finished", out var f) && f.GetBoolean();
            events.Add(new InputTranscript(_inputTranscript.ToString(), finished));
            if (finished)
            {
                _inputTranscript.Clear();
            }
        }

        if (content.TryGetProperty("modelTurn", out var turn) && turn.TryGetProperty("parts", out var parts))
        {
            foreach (var part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("inlineData", out var data) && data.TryGetProperty("data", out var audio))
                {
                    StartReply(events);
                    events.Add(new OutputAudio(audio.GetBytesFromBase64()) { ReceivedAt = _receivedAt });
                }
            }
        }

        if (content.TryGetProperty("outputTranscription", out var output) && output.TryGetProperty("text", out var outputText))
        {
            StartReply(events);
            var delta = outputText.GetString() ?? "";
            _replyTranscript.Append(delta);
            events.Add(new OutputTranscriptDelta(delta));
        }

        if (content.TryGetProperty("interrupted", out var interrupted) && interrupted.GetBoolean())
        {
            events.Add(new Interrupted());
            EndReply(events, RealtimeResponseStatus.Cancelled);
        }

        if (content.TryGetProperty("turnComplete", out var complete) && complete.GetBoolean())
        {
            EndReply(events, RealtimeResponseStatus.Completed);
        }
    }

    private void StartReply(List<RealtimeEvent> events)
    {
        if (_replying)
        {
            return;
        }

        _replying = true;
        _replyTranscript.Clear();
        if (_inputTranscript.Length > 0) // Gemini may never mark the user's words finished: the reply does
        {
            events.Add(new InputTranscript(_inputTranscript.ToString(), IsFinal: true));
            _inputTranscript.Clear();
        }

        events.Add(new ResponseStarted("turn-" + Interlocked.Increment(ref _turns).ToString(CultureInfo.InvariantCulture)));
    }

    private void EndReply(List<RealtimeEvent> events, RealtimeResponseStatus status)
    {
        if (!_replying)
        {
            return;
        }

        _replying = false;
        events.Add(new ResponseDone(_replyTranscript.ToString(), status));
    }

    /// <summary>A protobuf Duration in JSON: seconds with an <c>s</c> suffix (<c>"10s"</c>, <c>"1.5s"</c>).</summary>
    internal static TimeSpan? Duration(string? text) =>
        text is { Length: > 1 } && text.EndsWith('s')
        && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

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
}
