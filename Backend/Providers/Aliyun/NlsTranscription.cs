using System.Net.WebSockets;
using System.Text.Json;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// One <c>SpeechTranscriber</c> task on its own WebSocket (../shared/docs/aliyun-protocols.md §3): connect with
/// <c>X-NLS-Token</c>, <c>StartTranscription</c> → <c>TranscriptionStarted</c>, binary audio frames, sentence events
/// as they come (into its <see cref="NlsTranscript"/>), <c>StopTranscription</c> → <c>TranscriptionCompleted</c>, close. A <c>TaskFailed</c>, a refused
/// handshake, a timeout or a dropped connection faults the task with an <see cref="NlsTaskException"/>.
/// </summary>
internal sealed class NlsTranscription : IAsyncDisposable
{
    public const string Namespace = "SpeechTranscriber";

    private readonly ClientWebSocket _socket = new();
    private readonly string _taskId = NlsHeader.NewId();
    private readonly string _appKey;
    private readonly TimeSpan _stepTimeout;
    private readonly CancellationTokenSource _failed = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly NlsTranscript _transcript = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private NlsTaskException? _failure;
    private Task _receiver = Task.CompletedTask;

    private NlsTranscription(string appKey, TimeSpan stepTimeout)
    {
        _appKey = appKey;
        _stepTimeout = stepTimeout;
        _socket.Options.CollectHttpResponseDetails = true;
        _socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(6); // the Node SDK's ping interval
    }

    /// <summary>Cancelled when the task fails, so a sender waiting for audio stops at once.</summary>
    public CancellationToken Failed => _failed.Token;

    public static async Task<NlsTranscription> StartAsync(Uri gateway, string token, string appKey, StartTranscriptionPayload payload,
        TimeSpan stepTimeout, CancellationToken cancellationToken)
    {
        var task = new NlsTranscription(appKey, stepTimeout);
        try
        {
            await task.ConnectAsync(gateway, token, payload, cancellationToken);
            return task;
        }
        catch
        {
            await task.DisposeAsync();
            throw;
        }
    }

    public async Task SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        await SendAsync(frame, WebSocketMessageType.Binary, cancellationToken);
    }

    /// <summary>Sends <c>StopTranscription</c> and waits for <c>TranscriptionCompleted</c>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        await SendDirectiveAsync("StopTranscription", payload: null, cancellationToken);
        await WaitAsync(_completed.Task, "TranscriptionCompleted", cancellationToken);
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).WaitAsync(_stepTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException)
        {
            // The result is in; a close handshake the server skips does not matter.
        }
    }

    /// <summary>The finished sentences plus the sentence in progress.</summary>
    public string Text(string separator) => _transcript.Text(separator);

    public IReadOnlyList<NlsWord> Words() => _transcript.Words();

    public async ValueTask DisposeAsync()
    {
        _failed.Cancel();
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived or WebSocketState.Connecting)
        {
            _socket.Abort();
        }

        try
        {
            await _receiver;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _failed.Dispose();
        _sendLock.Dispose();
    }

    private async Task ConnectAsync(Uri gateway, string token, StartTranscriptionPayload payload, CancellationToken cancellationToken)
    {
        _socket.Options.SetRequestHeader("X-NLS-Token", token);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_stepTimeout);
            try
            {
                await _socket.ConnectAsync(gateway, timeout.Token);
            }
            catch (WebSocketException ex)
            {
                var status = (int)_socket.HttpStatusCode;
                throw status switch
                {
                    401 or 403 => new NlsTaskException($"The NLS gateway refused the token (HTTP {status}).", status, retryable: false, tokenProblem: true, inner: ex),
                    >= 500 => new NlsTaskException($"The NLS gateway failed the handshake (HTTP {status}).", status, retryable: true, tokenProblem: false, inner: ex),
                    > 0 => new NlsTaskException($"The NLS gateway refused the connection (HTTP {status}).", status, retryable: false, tokenProblem: false, inner: ex),
                    _ => new NlsTaskException($"The NLS gateway {gateway.Host} could not be reached: {ex.InnerException?.Message ?? ex.Message}", 0, retryable: true, tokenProblem: false, inner: ex),
                };
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new NlsTaskException($"The NLS gateway {gateway.Host} did not accept the connection within {_stepTimeout.TotalSeconds:0} s.", 0, retryable: true, tokenProblem: false, inner: ex);
            }
        }

        _receiver = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await SendDirectiveAsync("StartTranscription", JsonSerializer.SerializeToElement(payload), cancellationToken);
        await WaitAsync(_started.Task, "TranscriptionStarted", cancellationToken);
    }

    private Task SendDirectiveAsync(string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        var message = new NlsMessage(new NlsHeader { TaskId = _taskId, Namespace = Namespace, Name = name, AppKey = _appKey }, payload);
        return SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, cancellationToken);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _failed.Token);
        try
        {
            await _sendLock.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            ThrowIfFailed(); // the task failed while this send waited: its failure, not a bare cancellation
            throw;
        }

        try
        {
            await _socket.SendAsync(data, type, endOfMessage: true, linked.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException || (ex is OperationCanceledException && _failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            ThrowIfFailed();
            throw Fail(new NlsTaskException($"The connection to the NLS gateway dropped while sending: {ex.Message}", 0, retryable: true, tokenProblem: false, inner: ex));
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task WaitAsync(Task step, string eventName, CancellationToken cancellationToken)
    {
        var failed = Task.Delay(Timeout.Infinite, _failed.Token);
        try
        {
            await Task.WhenAny(step, failed).WaitAsync(_stepTimeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw Fail(new NlsTaskException($"The NLS gateway sent no {eventName} within {_stepTimeout.TotalSeconds:0} s.", 0, retryable: true, tokenProblem: false, inner: ex));
        }

        ThrowIfFailed();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_completed.Task.IsCompleted)
                    {
                        Fail(new NlsTaskException($"The NLS gateway closed the connection before the task completed ({result.CloseStatus} {result.CloseStatusDescription}).",
                            0, retryable: true, tokenProblem: false));
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    Handle(message.ToArray());
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_completed.Task.IsCompleted)
            {
                Fail(new NlsTaskException($"The connection to the NLS gateway dropped: {ex.Message}", 0, retryable: true, tokenProblem: false, inner: ex));
            }
        }
    }

    private void Handle(byte[] json)
    {
        NlsMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<NlsMessage>(json);
        }
        catch (JsonException)
        {
            return; // not ours to judge; unknown frames are ignored like unknown events
        }

        if (message is null)
        {
            return;
        }

        var header = message.Header;
        switch (header.Name)
        {
            case "TranscriptionStarted":
                _started.TrySetResult();
                break;
            case "TranscriptionResultChanged":
                _transcript.Change(Sentence(message));
                break;
            case "SentenceEnd":
                _transcript.End(Sentence(message));
                break;
            case "TranscriptionCompleted":
                _completed.TrySetResult();
                break;
            case "TaskFailed":
                var status = header.Status ?? NlsStatus.ClientError;
                var text = header.StatusText ?? header.StatusMessage ?? "";
                Fail(new NlsTaskException($"NLS TaskFailed {status}: {Redact(text)}", status, NlsStatus.IsRetryable(status), NlsStatus.IsTokenProblem(status, text)));
                break;
            default:
                break; // SentenceBegin and events we do not use
        }
    }

    private static SentencePayload? Sentence(NlsMessage message) =>
        message.Payload is { ValueKind: JsonValueKind.Object } payload ? payload.Deserialize<SentencePayload>() : null;

    private NlsTaskException Fail(NlsTaskException failure)
    {
        lock (_gate)
        {
            _failure ??= failure;
        }

        _failed.Cancel();
        return _failure;
    }

    private void ThrowIfFailed()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw _failure;
            }
        }
    }

    /// <summary>Status texts quote the token (<c>The token 'abc…' is invalid</c>); it is a credential, so it is cut.</summary>
    internal static string Redact(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "token '([^']{0,6})[^']*'", "token '$1…'", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}
