using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>
/// One conversation on <see cref="FakeOpenAiRealtime"/>: the OpenAI Realtime state machine, in the GA dialect
/// (<c>session.type: realtime</c>, <c>response.output_audio.*</c>, <c>conversation.item.added/done</c>) or the beta one
/// (<c>response.audio.*</c>, <c>conversation.item.created</c>), with the vendors' quirks: GLM's WAV input, client VAD
/// default, <c>heartbeat</c> and missing truncate; Qwen's 16 kHz input and <c>session.finish</c>.
/// </summary>
internal sealed class FakeOpenAiSession
{
    private readonly FakeOpenAiRealtime _server;
    private readonly FakeWire _wire;
    private readonly FakeRealtimeRecord _record;
    private readonly FakeRealtimeOptions _o;
    private readonly string _vendor;
    private readonly bool _ga;
    private readonly Dictionary<string, double> _assistantAudioMs = [];
    private readonly Lock _lock = new();
    private readonly JsonObject _session;
    private EnergyVad _vad;
    private bool _serverVad;
    private bool _createResponse = true;
    private bool _interruptResponse = true;
    private bool _transcribe;
    private readonly int _inputRate;
    private double _bufferMs;
    private int _ids;
    private string? _lastItemId;
    private string? _speechItemId;
    private ResponseRun? _active;

    public FakeOpenAiSession(FakeOpenAiRealtime server, FakeWire wire, FakeRealtimeRecord record)
    {
        _server = server;
        _wire = wire;
        _record = record;
        _o = server.Options;
        _vendor = _o.Vendor;
        _ga = _vendor is "openai" or "azure";
        _inputRate = _vendor is "glm" or "qwen" ? 16000 : 24000;
        _serverVad = _vendor != "glm"; // GLM's default is client VAD
        _transcribe = !_ga; // the beta vendors transcribe the user by themselves; GA only when asked
        _record.InputSampleRate = _inputRate;
        _vad = NewVad(0.5, 300, 500);
        _session = DefaultSession();
    }

    private sealed record ResponseRun(string Id, string ItemId, string Text, CancellationTokenSource Cancel)
    {
        public string Reason { get; set; } = "client_cancelled";

        public Task Streaming { get; set; } = Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _ = CapAsync(ended.Token);
        if (_vendor == "glm")
        {
            _ = HeartbeatAsync(ended.Token);
        }

        await SendAsync("session.created", e => e["session"] = _session.DeepClone());
        if (!_ga)
        {
            await SendAsync("conversation.created", e => e["conversation"] = new JsonObject { ["id"] = "conv_1", ["object"] = "realtime.conversation" });
        }

        while (await _wire.ReceiveAsync(ended.Token) is { } text)
        {
            JsonObject message;
            try
            {
                message = JsonNode.Parse(text)!.AsObject();
            }
            catch (JsonException)
            {
                await _wire.SendAsync(Error("invalid_request_error", "invalid_json", "The event is not valid JSON."));
                continue;
            }

            var type = (string?)message["type"] ?? "";
            _record.ClientEvents.Enqueue(type);
            if (_vendor == "glm" && message["client_timestamp"] is null)
            {
                await _wire.SendAsync(Error("invalid_request_error", "missing_required_parameter", "Missing required parameter: 'client_timestamp'."));
                continue;
            }

            await HandleAsync(type, message);
        }

        await ended.CancelAsync();
        if (_active is { } run)
        {
            await run.Cancel.CancelAsync();
        }
    }

    private async Task HandleAsync(string type, JsonObject m)
    {
        switch (type)
        {
            case "session.update":
                await UpdateSessionAsync(m["session"] as JsonObject ?? []);
                break;
            case "input_audio_buffer.append":
                await AppendAsync((string?)m["audio"] ?? "");
                break;
            case "input_audio_buffer.commit":
                Interlocked.Increment(ref _record.Commits);
                await CommitAsync();
                break;
            case "input_audio_buffer.clear":
                _bufferMs = 0;
                _vad.Reset();
                await SendAsync("input_audio_buffer.cleared", _ => { });
                break;
            case "conversation.item.create":
                await CreateItemAsync(m["item"] as JsonObject ?? []);
                break;
            case "response.create":
                await StartResponseAsync();
                break;
            case "response.cancel":
                Interlocked.Increment(ref _record.Cancels);
                // As the vendor: a response_id cancels that response only, if it is the one in progress.
                if (!await CancelActiveAsync("client_cancelled", (string?)m["response_id"]))
                {
                    await _wire.SendAsync(Error("invalid_request_error", "response_cancel_not_active", "Cancellation failed: no active response found"));
                }

                break;
            case "conversation.item.truncate" when _vendor != "glm":
                await TruncateAsync(m);
                break;
            case "session.finish" when _vendor == "qwen":
                _record.Finished = true;
                await SendAsync("session.finished", _ => { });
                await _wire.CloseAsync(WebSocketCloseStatus.NormalClosure, "session finished");
                break;
            default:
                await _wire.SendAsync(Error("invalid_request_error", "invalid_value", $"Invalid value: '{type}'. Supported values are: 'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', and 'response.cancel'.", "type"));
                break;
        }
    }

    private async Task UpdateSessionAsync(JsonObject session)
    {
        if (_ga && (string?)session["type"] != "realtime")
        {
            await _wire.SendAsync(Error("invalid_request_error", "missing_required_parameter", "Missing required parameter: 'session.type'.", "session.type"));
            return;
        }

        JsonNode? turnDetection;
        bool hasTurnDetection;
        if (_ga)
        {
            var input = session["audio"]?["input"];
            var rate = (int?)input?["format"]?["rate"] ?? 24000;
            if (rate != 24000)
            {
                await _wire.SendAsync(Error("invalid_request_error", "invalid_value", "Invalid value: audio/pcm supports only 24000 Hz.", "session.audio.input.format.rate"));
                return;
            }

            hasTurnDetection = input is JsonObject i && i.ContainsKey("turn_detection");
            turnDetection = input?["turn_detection"];
            _transcribe = input?["transcription"] is JsonObject;
        }
        else
        {
            hasTurnDetection = session.ContainsKey("turn_detection");
            turnDetection = session["turn_detection"];
        }

        if (hasTurnDetection)
        {
            var kind = (string?)turnDetection?["type"];
            _serverVad = kind is "server_vad" or "semantic_vad";
            _createResponse = (bool?)turnDetection?["create_response"] ?? true;
            _interruptResponse = (bool?)turnDetection?["interrupt_response"] ?? true;
            _vad = NewVad((double?)turnDetection?["threshold"] ?? 0.5, (int?)turnDetection?["prefix_padding_ms"] ?? 300,
                (int?)turnDetection?["silence_duration_ms"] ?? 500);
        }

        foreach (var (key, value) in session)
        {
            _session[key] = value?.DeepClone();
        }

        _record.SessionConfig = session.ToJsonString();
        await SendAsync("session.updated", e => e["session"] = _session.DeepClone());
    }

    /// <summary>In manual mode the detector only measures how much speech a commit holds: its silence never ends a turn.</summary>
    private EnergyVad NewVad(double threshold, int prefixMs, int silenceMs) =>
        new(_inputRate, _o.VadRmsThreshold, prefixMs, _serverVad ? silenceMs : int.MaxValue);

    private async Task AppendAsync(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var pcm = bytes.AsMemory();
        if (_vendor == "glm")
        {
            if (FakeWav.Parse(bytes) is not { } wav)
            {
                await _wire.SendAsync(Error("invalid_request_error", "invalid_audio", "The audio is not a WAV file."));
                return;
            }

            Interlocked.Increment(ref _record.WavChunks);
            _record.InputSampleRate = wav.SampleRate;
            pcm = wav.Pcm;
        }

        var ms = pcm.Length / 2 * 1000.0 / _record.InputSampleRate;
        _record.AddAudio(ms);
        _bufferMs += ms;
        var starts = new List<long>();
        var stops = new List<long>();
        _vad.Feed(pcm.Span, starts.Add, stops.Add);
        if (!_serverVad)
        {
            return;
        }

        foreach (var at in starts)
        {
            _speechItemId = NewId("item");
            await SendAsync("input_audio_buffer.speech_started", e =>
            {
                e["audio_start_ms"] = at;
                e["item_id"] = _speechItemId;
            });
            if (_interruptResponse)
            {
                await CancelActiveAsync("turn_detected");
            }
        }

        foreach (var at in stops)
        {
            await SendAsync("input_audio_buffer.speech_stopped", e =>
            {
                e["audio_end_ms"] = at;
                e["item_id"] = _speechItemId;
            });
            if (await CommitAsync() && _createResponse)
            {
                await StartResponseAsync();
            }
        }
    }

    /// <summary>Commits the buffer as a user item and transcribes it; false when there was too little audio.</summary>
    private async Task<bool> CommitAsync()
    {
        if (_bufferMs < 100)
        {
            await _wire.SendAsync(Error("invalid_request_error", "input_audio_buffer_commit_empty",
                string.Create(CultureInfo.InvariantCulture, $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {_bufferMs:0.00}ms of audio.")));
            return false;
        }

        var speechMs = _vad.SpeechMs;
        var itemId = _speechItemId ?? NewId("item");
        _speechItemId = null;
        _bufferMs = 0;
        _vad.Reset();
        var previous = _lastItemId;
        _lastItemId = itemId;
        await SendAsync("input_audio_buffer.committed", e =>
        {
            e["previous_item_id"] = previous;
            e["item_id"] = itemId;
        });
        var item = new JsonObject
        {
            ["id"] = itemId, ["object"] = "realtime.item", ["type"] = "message", ["status"] = "completed", ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }),
        };
        await ItemAddedAsync(item, previous);
        if (_transcribe)
        {
            var transcript = _server.Script.TranscriptFor(speechMs);
            var half = transcript.Length / 2;
            foreach (var part in new[] { transcript[..half], transcript[half..] })
            {
                await SendAsync("conversation.item.input_audio_transcription.delta", e =>
                {
                    e["item_id"] = itemId;
                    e["content_index"] = 0;
                    e["delta"] = part;
                });
            }

            await SendAsync("conversation.item.input_audio_transcription.completed", e =>
            {
                e["item_id"] = itemId;
                e["content_index"] = 0;
                e["transcript"] = transcript;
            });
        }

        return true;
    }

    private async Task ItemAddedAsync(JsonObject item, string? previous)
    {
        if (_ga)
        {
            await SendAsync("conversation.item.added", e =>
            {
                e["previous_item_id"] = previous;
                e["item"] = item.DeepClone();
            });
            await SendAsync("conversation.item.done", e =>
            {
                e["previous_item_id"] = previous;
                e["item"] = item.DeepClone();
            });
        }
        else
        {
            await SendAsync("conversation.item.created", e =>
            {
                e["previous_item_id"] = previous;
                e["item"] = item.DeepClone();
            });
        }
    }

    private async Task CreateItemAsync(JsonObject item)
    {
        var role = (string?)item["role"] ?? "";
        var text = (string?)item["content"]?[0]?["text"] ?? "";
        _record.History.Enqueue($"{role}: {text}");
        var id = (string?)item["id"] ?? NewId("item");
        item["id"] = id;
        item["object"] = "realtime.item";
        item["status"] = "completed";
        var previous = _lastItemId;
        _lastItemId = id;
        await ItemAddedAsync(item, previous);
    }

    private async Task StartResponseAsync()
    {
        lock (_lock)
        {
            if (_active is not null)
            {
                _ = _wire.SendAsync(Error("invalid_request_error", "conversation_already_has_active_response",
                    $"Conversation already has an active response in progress: {_active.Id}. Wait until the response is finished before creating a new one."));
                return;
            }
        }

        switch (_server.Script.NextFault())
        {
            case FakeFault.RateLimit:
                await _wire.SendAsync(Error("invalid_request_error", "rate_limit_exceeded",
                    "Rate limit reached for requests per minute. Please try again in 20s."));
                return;
            case FakeFault.ServerError:
                await _wire.SendAsync(Error("server_error", null,
                    "The server had an error while processing your request. Sorry about that!"));
                return;
        }

        var run = new ResponseRun(NewId("resp"), NewId("item"), _server.Script.ReplyOr(_o.DefaultReply), new CancellationTokenSource());
        lock (_lock)
        {
            _active = run;
        }

        run.Streaming = Task.Run(() => StreamAsync(run));
    }

    /// <summary>The reply's events in the vendor's order, audio paced at <see cref="FakeRealtimeOptions.Speed"/> × real time.</summary>
    private async Task StreamAsync(ResponseRun run)
    {
        var previous = _lastItemId;
        _lastItemId = run.ItemId;
        var item = new JsonObject
        {
            ["id"] = run.ItemId, ["object"] = "realtime.item", ["type"] = "message", ["status"] = "in_progress", ["role"] = "assistant",
            ["content"] = new JsonArray(),
        };
        await SendAsync("response.created", e => e["response"] = Response(run, "in_progress", null, []));
        await SendAsync("response.output_item.added", e =>
        {
            e["response_id"] = run.Id;
            e["output_index"] = 0;
            e["item"] = item.DeepClone();
        });
        if (_ga)
        {
            await SendAsync("conversation.item.added", e =>
            {
                e["previous_item_id"] = previous;
                e["item"] = item.DeepClone();
            });
        }
        else
        {
            await SendAsync("conversation.item.created", e =>
            {
                e["previous_item_id"] = previous;
                e["item"] = item.DeepClone();
            });
        }

        await SendAsync("response.content_part.added", e =>
        {
            Part(e, run);
            e["part"] = new JsonObject { ["type"] = "audio", ["transcript"] = "" };
        });

        var outputRate = 24000;
        var pcm = ReplyAudio.For(run.Text, outputRate, _o.AudioPerCharacter);
        var chunkBytes = (int)(outputRate * _o.DeltaDuration.TotalSeconds) * 2;
        var sentChars = 0;
        var audioDelta = _ga ? "response.output_audio.delta" : "response.audio.delta";
        var transcriptDelta = _ga ? "response.output_audio_transcript.delta" : "response.audio_transcript.delta";
        try
        {
            await Task.Delay(_o.FirstAudioDelay / _o.Speed, run.Cancel.Token);
            var clock = Stopwatch.StartNew();
            for (var offset = 0; offset < pcm.Length; offset += chunkBytes)
            {
                var chunk = pcm.AsMemory(offset, Math.Min(chunkBytes, pcm.Length - offset));
                var chars = (int)Math.Round(run.Text.Length * (double)(offset + chunk.Length) / pcm.Length);
                var text = run.Text[sentChars..chars];
                sentChars = chars;
                run.Cancel.Token.ThrowIfCancellationRequested();
                if (text.Length > 0)
                {
                    await SendAsync(transcriptDelta, e =>
                    {
                        Part(e, run);
                        e["delta"] = text;
                    });
                }

                await SendAsync(audioDelta, e =>
                {
                    Part(e, run);
                    e["delta"] = Convert.ToBase64String(chunk.Span);
                });
                lock (_lock)
                {
                    _assistantAudioMs[run.ItemId] = (offset + chunk.Length) / 2 * 1000.0 / outputRate;
                }

                var due = TimeSpan.FromSeconds((offset + chunk.Length) / 2.0 / outputRate / _o.Speed) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, run.Cancel.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            item["status"] = "incomplete";
            await SendAsync("response.output_item.done", e =>
            {
                e["response_id"] = run.Id;
                e["output_index"] = 0;
                e["item"] = item.DeepClone();
            });
            await SendAsync("response.done", e => e["response"] = Response(run, "cancelled",
                new JsonObject { ["type"] = "cancelled", ["reason"] = run.Reason }, [item.DeepClone()]));
            EndRun(run);
            return;
        }

        await SendAsync(_ga ? "response.output_audio.done" : "response.audio.done", e => Part(e, run));
        await SendAsync(_ga ? "response.output_audio_transcript.done" : "response.audio_transcript.done", e =>
        {
            Part(e, run);
            e["transcript"] = run.Text;
        });
        var part = new JsonObject { ["type"] = "audio", ["transcript"] = run.Text };
        await SendAsync("response.content_part.done", e =>
        {
            Part(e, run);
            e["part"] = part.DeepClone();
        });
        item["status"] = "completed";
        item["content"] = new JsonArray(part.DeepClone());
        await SendAsync("response.output_item.done", e =>
        {
            e["response_id"] = run.Id;
            e["output_index"] = 0;
            e["item"] = item.DeepClone();
        });
        if (_ga)
        {
            await SendAsync("conversation.item.done", e =>
            {
                e["previous_item_id"] = previous;
                e["item"] = item.DeepClone();
            });
        }

        await SendAsync("response.done", e => e["response"] = Response(run, "completed", null, [item.DeepClone()]));
        EndRun(run);
    }

    private void EndRun(ResponseRun run)
    {
        lock (_lock)
        {
            if (_active == run)
            {
                _active = null;
            }
        }
    }

    private async Task<bool> CancelActiveAsync(string reason, string? responseId = null)
    {
        ResponseRun? run;
        lock (_lock)
        {
            run = _active;
        }

        if (run is null || (responseId is not null && run.Id != responseId))
        {
            return false;
        }

        run.Reason = reason;
        await run.Cancel.CancelAsync();
        await run.Streaming; // response.done (cancelled) goes out before anything that follows the cancel
        return true;
    }

    private async Task TruncateAsync(JsonObject m)
    {
        var itemId = (string?)m["item_id"] ?? "";
        var endMs = (int?)m["audio_end_ms"] ?? -1;
        double audioMs;
        lock (_lock)
        {
            if (!_assistantAudioMs.TryGetValue(itemId, out audioMs))
            {
                audioMs = -1;
            }
        }

        if (audioMs < 0)
        {
            await _wire.SendAsync(Error("invalid_request_error", "item_not_found", $"Item with item_id not found: {itemId}", "item_id"));
            return;
        }

        if (endMs < 0 || endMs > audioMs)
        {
            await _wire.SendAsync(Error("invalid_request_error", "invalid_value",
                string.Create(CultureInfo.InvariantCulture, $"Audio content of {audioMs:0}ms is already shorter than {endMs}ms"), "audio_end_ms"));
            return;
        }

        _record.Truncations.Enqueue(endMs);
        await SendAsync("conversation.item.truncated", e =>
        {
            e["item_id"] = itemId;
            e["content_index"] = (int?)m["content_index"] ?? 0;
            e["audio_end_ms"] = endMs;
        });
    }

    /// <summary>The session cap: OpenAI says <c>session_expired</c> in an error event, then closes 1001 with the same
    /// words. The beta vendors' behaviour at their caps is not documented: they just close (1001).</summary>
    private async Task CapAsync(CancellationToken ended)
    {
        try
        {
            await Task.Delay(_o.SessionCap, ended);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var minutes = _o.SessionCap.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
        var text = $"Your session hit the maximum duration of {minutes} minutes.";
        if (_ga)
        {
            await _wire.SendAsync(Error("invalid_request_error", "session_expired", text));
        }

        await _wire.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, _ga ? text : "session closed");
    }

    private async Task HeartbeatAsync(CancellationToken ended)
    {
        using var timer = new PeriodicTimer(_o.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ended))
            {
                await SendAsync("heartbeat", _ => { });
            }
        }
        catch (OperationCanceledException)
        {
            // the conversation ended
        }
    }

    private JsonObject DefaultSession()
    {
        var session = new JsonObject { ["id"] = "sess_" + Guid.NewGuid().ToString("N")[..16], ["object"] = "realtime.session", ["model"] = _record.Model };
        if (_ga)
        {
            session["type"] = "realtime";
            session["output_modalities"] = new JsonArray("audio");
            session["audio"] = new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 },
                    ["transcription"] = null,
                    ["turn_detection"] = new JsonObject { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300, ["silence_duration_ms"] = 500 },
                },
                ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 }, ["voice"] = "alloy" },
            };
        }
        else
        {
            session["modalities"] = new JsonArray("text", "audio");
            session["input_audio_format"] = _vendor == "glm" ? "wav" : "pcm16";
            session["output_audio_format"] = _vendor == "glm" ? "pcm" : "pcm16";
            session["turn_detection"] = _vendor == "glm" ? new JsonObject { ["type"] = "client_vad" } : new JsonObject { ["type"] = "server_vad" };
        }

        return session;
    }

    private static JsonObject Response(ResponseRun run, string status, JsonObject? details, JsonArray output) => new()
    {
        ["id"] = run.Id, ["object"] = "realtime.response", ["status"] = status, ["status_details"] = details, ["output"] = output,
    };

    private static void Part(JsonObject e, ResponseRun run)
    {
        e["response_id"] = run.Id;
        e["item_id"] = run.ItemId;
        e["output_index"] = 0;
        e["content_index"] = 0;
    }

    private string NewId(string prefix) => prefix + "_" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture);

    private Task SendAsync(string type, Action<JsonObject> fill)
    {
        var e = FakeOpenAiRealtime.Event(type, Interlocked.Increment(ref _ids));
        fill(e);
        return _wire.SendAsync(e);
    }

    internal static JsonObject Error(string type, string? code, string message, string? param = null) => new()
    {
        ["type"] = "error",
        ["event_id"] = "event_" + Guid.NewGuid().ToString("N")[..12],
        ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param, ["event_id"] = null },
    };
}
