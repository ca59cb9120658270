using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>
/// The NLS gateway (../shared/docs/aliyun-protocols.md §2–4, §7): the <c>/ws/v1</c> WebSocket for
/// <c>SpeechTranscriber</c> tasks, one-sentence REST recognition at <c>/stream/v1/asr</c> and REST TTS at
/// <c>/stream/v1/tts</c>, with the documented message sequences, status codes, idle rule and error bodies. Speech is
/// "recognised" through <see cref="FakeSpeech"/>; TTS answers with a tone per character. Faults are queued per
/// task/request in <see cref="TranscriberFaults"/>, <see cref="AsrFaults"/> and <see cref="TtsFaults"/>.
/// </summary>
public sealed partial class FakeNlsGateway(FakeAliyunAccount account) : FakeHost
{
    public static readonly IReadOnlySet<string> Voices = new HashSet<string>(StringComparer.Ordinal) { "xiaoyun", "aixia", "aiyue", "abby", "siqi" };

    public ConcurrentQueue<NlsFault> TranscriberFaults { get; } = new();

    public ConcurrentQueue<NlsFault> AsrFaults { get; } = new();

    public ConcurrentQueue<NlsFault> TtsFaults { get; } = new();

    /// <summary>No data for longer than this after connecting (or since the last message) fails the task with 40000004.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What a sentence of speech without <see cref="FakeSpeech"/> markers (a real recording) is heard as.</summary>
    public string UnknownSpeechText { get; set; } = "嗯";

    public int TasksStarted => _tasksStarted;

    public int TasksCompleted => _tasksCompleted;

    public int PartialsSent => _partialsSent;

    public ConcurrentQueue<JsonObject> StartPayloads { get; } = new();

    public ConcurrentQueue<int> FrameSizes { get; } = new();

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<TtsCall> TtsCalls { get; } = new();

    private int _tasksStarted;
    private int _tasksCompleted;
    private int _partialsSent;

    public sealed record TtsCall(string Text, string Voice, string Format, int SampleRate, bool Truncated);

    protected override void Map(WebApplication app)
    {
        app.Map("/ws/v1", WebSocketAsync);
        app.MapPost("/stream/v1/asr", AsrAsync);
        app.MapMethods("/stream/v1/tts", ["GET", "POST"], TtsAsync);
    }

    // ---- WebSocket: SpeechTranscriber -------------------------------------------------------------------------

    private async Task WebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        TranscriberFaults.TryDequeue(out var fault);
        if (fault?.HttpStatus is { } refused)
        {
            context.Response.StatusCode = refused;
            return;
        }

        var token = context.Request.Headers["X-NLS-Token"].ToString();
        if (token.Length == 0)
        {
            token = context.Request.Query["token"].ToString();
        }

        if (token.Length == 0)
        {
            context.Response.StatusCode = 403; // "Forbidden": no token at the handshake
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });
        await new TranscriberTask(this, context, socket, token, fault).RunAsync();
    }

    private sealed class TranscriberTask(FakeNlsGateway gateway, HttpContext context, WebSocket socket, string token, NlsFault? fault)
    {
        private string _taskId = "";
        private string _namespace = "Default";
        private FakeTranscriber? _model;
        private bool _stopping;
        private int _audioBytes;

        public async Task RunAsync()
        {
            var inbox = Channel.CreateUnbounded<(WebSocketMessageType Type, byte[] Data)>();
            var reader = ReadAsync(inbox.Writer);
            try
            {
                while (true)
                {
                    var next = inbox.Reader.ReadAsync().AsTask();
                    if (await Task.WhenAny(next, Task.Delay(gateway.IdleTimeout)) != next)
                    {
                        await FailAsync(40000004, $"Gateway:IDLE_TIMEOUT:Websocket session is idle for too long time, the last directive is '{(_model is null ? "None" : "StartTranscription")}'!");
                        return;
                    }

                    (WebSocketMessageType type, byte[] data) message;
                    try
                    {
                        message = await next;
                    }
                    catch (ChannelClosedException)
                    {
                        gateway.Events.Enqueue(_stopping ? "closed" : "40010004 client disconnected");
                        return; // the client went away (40010004 on the server side)
                    }

                    if (!await HandleAsync(message.type, message.data))
                    {
                        return;
                    }
                }
            }
            finally
            {
                if (socket.State == WebSocketState.Open)
                {
                    try
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }
                    catch (WebSocketException)
                    {
                    }
                }

                await reader;
            }
        }

        private async Task ReadAsync(ChannelWriter<(WebSocketMessageType, byte[])> writer)
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (result.EndOfMessage)
                    {
                        await writer.WriteAsync((result.MessageType, message.ToArray()));
                        message.SetLength(0);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
            }
            finally
            {
                writer.TryComplete();
            }
        }

        /// <summary>False when the task is over.</summary>
        private async Task<bool> HandleAsync(WebSocketMessageType type, byte[] data)
        {
            if (type == WebSocketMessageType.Binary)
            {
                if (_model is null)
                {
                    await FailAsync(40000002, "Gateway:MESSAGE_INVALID:Can't process binary message in state 'INIT'!");
                    return false;
                }

                gateway.FrameSizes.Enqueue(data.Length);
                _audioBytes += data.Length;
                if (fault is not null && _audioBytes >= fault.AfterAudioBytes && fault.AfterAudioBytes > 0)
                {
                    return await ApplyFaultAsync();
                }

                await SendEventsAsync(_model.Accept(data));
                return true;
            }

            JsonObject? message;
            try
            {
                message = JsonNode.Parse(data) as JsonObject;
            }
            catch (JsonException)
            {
                message = null;
            }

            var header = message?["header"] as JsonObject;
            var name = header?["name"]?.GetValue<string>();
            if (_model is null)
            {
                return await StartAsync(header, name, message?["payload"] as JsonObject);
            }

            if (name == "StopTranscription" && header?["task_id"]?.GetValue<string>() == _taskId)
            {
                if (_stopping)
                {
                    await FailAsync(40010005, "Gateway:TASK_STATE_ERROR:Got stop directive while task is stopping!");
                    return false;
                }

                _stopping = true;
                await SendEventsAsync(_model.Flush());
                await SendAsync("TranscriptionCompleted", new JsonObject());
                Interlocked.Increment(ref gateway._tasksCompleted);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return false;
            }

            if (name == "ControlTranscription")
            {
                return true;
            }

            await FailAsync(40010003, $"Gateway:DIRECTIVE_INVALID:[{name}]");
            return false;
        }

        private async Task<bool> StartAsync(JsonObject? header, string? name, JsonObject? payload)
        {
            if (header is null || name != "StartTranscription" || header["namespace"]?.GetValue<string>() != "SpeechTranscriber"
                || header["task_id"]?.GetValue<string>() is not { Length: 32 } taskId || header["message_id"]?.GetValue<string>() is not { Length: 32 })
            {
                await FailAsync(40000002, "Gateway:MESSAGE_INVALID:Can't process message in state 'INIT'!");
                return false;
            }

            _taskId = taskId;
            _namespace = "SpeechTranscriber";
            if (gateway.CheckToken(token) is { } denied)
            {
                await FailAsync(40000001, denied);
                return false;
            }

            var appKey = header["appkey"]?.GetValue<string>();
            if (string.IsNullOrEmpty(appKey))
            {
                await FailAsync(41000002, "Meta:APPKEY_KEY_IS_NULL:Appkey is null!");
                return false;
            }

            if (!gateway.IsAppKey(appKey))
            {
                await FailAsync(40020105, "Meta:APPKEY_NOT_EXIST:Appkey not exist!");
                return false;
            }

            payload ??= [];
            gateway.StartPayloads.Enqueue((JsonObject)payload.DeepClone());
            var rate = payload["sample_rate"]?.GetValue<int>() ?? 16000;
            if (rate is not (8000 or 16000))
            {
                await FailAsync(41010101, "UNSUPPORTED_SAMPLE_RATE");
                return false;
            }

            if ((payload["format"]?.GetValue<string>() ?? "pcm") != "pcm")
            {
                await FailAsync(40000003, "Gateway:PARAMETER_INVALID:the fake NLS decodes pcm only");
                return false;
            }

            Interlocked.Increment(ref gateway._tasksStarted);
            if (fault is { AfterAudioBytes: 0 })
            {
                return await ApplyFaultAsync();
            }

            _model = new FakeTranscriber(payload["max_sentence_silence"]?.GetValue<int>() ?? 800,
                payload["enable_intermediate_result"]?.GetValue<bool>() ?? false, payload["enable_words"]?.GetValue<bool>() ?? false, gateway.UnknownSpeechText);
            await SendAsync("TranscriptionStarted", new JsonObject());
            return true;
        }

        private async Task<bool> ApplyFaultAsync()
        {
            if (fault!.Drop)
            {
                gateway.Events.Enqueue("dropped");
                context.Abort();
                return false;
            }

            await FailAsync(fault.Status ?? 50000000, fault.StatusText);
            return false;
        }

        private async Task SendEventsAsync(List<(string Name, JsonObject Payload)> events)
        {
            foreach (var (name, payload) in events)
            {
                if (name == "TranscriptionResultChanged")
                {
                    Interlocked.Increment(ref gateway._partialsSent);
                }

                await SendAsync(name, payload);
            }
        }

        private Task SendAsync(string name, JsonObject payload) => SendRawAsync(new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["namespace"] = _namespace, ["name"] = name, ["status"] = 20000000,
                ["message_id"] = Guid.NewGuid().ToString("N"), ["task_id"] = _taskId, ["status_text"] = "Gateway:SUCCESS:Success.",
            },
            ["payload"] = payload,
        });

        private async Task FailAsync(int status, string text)
        {
            gateway.Events.Enqueue($"TaskFailed {status}");
            await SendRawAsync(new JsonObject
            {
                ["header"] = new JsonObject
                {
                    ["namespace"] = "Default", ["name"] = "TaskFailed", ["status"] = status,
                    ["message_id"] = Guid.NewGuid().ToString("N"), ["task_id"] = _taskId, ["status_text"] = text,
                },
                ["payload"] = new JsonObject(),
            });
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }

        private async Task SendRawAsync(JsonObject message)
        {
            if (socket.State != WebSocketState.Open)
            {
                return;
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
    }

    private string? CheckToken(string token) => account.CheckToken(token);

    private bool IsAppKey(string appKey) => account.IsAppKey(appKey);
}
