using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>One Gemini Live conversation on <see cref="FakeGeminiLive"/>.</summary>
internal sealed class FakeGeminiSession(FakeGeminiLive server, FakeWire wire, FakeRealtimeRecord record)
{
    private const int InputRate = 16000;
    private const int OutputRate = 24000;

    private readonly FakeRealtimeOptions _o = server.Options;
    private readonly Lock _lock = new();
    private EnergyVad _vad = new(InputRate, server.Options.VadRmsThreshold, 300, 500);
    private bool _automatic = true;
    private bool _activity;
    private int _turns;
    private (CancellationTokenSource Cancel, Task Streaming)? _reply;

    public async Task RunAsync(CancellationToken aborted)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        record.InputSampleRate = InputRate;
        if (await wire.ReceiveAsync(ended.Token) is not { } first || Parse(first)?["setup"] is not JsonObject setup)
        {
            await wire.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "Request contains an invalid argument.");
            return;
        }

        record.ClientEvents.Enqueue("setup");
        record.SessionConfig = setup.ToJsonString();
        record.Model = (string?)setup["model"];
        var detection = setup["realtimeInputConfig"]?["automaticActivityDetection"];
        _automatic = !((bool?)detection?["disabled"] ?? false);
        _vad = new EnergyVad(InputRate, _o.VadRmsThreshold, (int?)detection?["prefixPaddingMs"] ?? 300,
            _automatic ? (int?)detection?["silenceDurationMs"] ?? 500 : int.MaxValue);
        if ((string?)setup["sessionResumption"]?["handle"] is { } handle)
        {
            if (!server.Handles.TryGetValue(handle, out _turns))
            {
                await wire.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "Request contains an invalid argument.");
                return;
            }

            record.ResumedFrom = handle;
        }

        await wire.SendAsync(new JsonObject { ["setupComplete"] = new JsonObject() });
        await SendResumptionHandleAsync();
        _ = CapAsync(ended.Token);

        while (await wire.ReceiveAsync(ended.Token) is { } text)
        {
            var message = Parse(text);
            if (message?["realtimeInput"] is JsonObject input)
            {
                await RealtimeInputAsync(input);
            }
            else if (message?["clientContent"] is JsonObject content)
            {
                record.ClientEvents.Enqueue("clientContent");
                foreach (var turn in content["turns"]?.AsArray() ?? [])
                {
                    record.History.Enqueue($"{(string?)turn?["role"]}: {(string?)turn?["parts"]?[0]?["text"]}");
                }
            }
            else
            {
                await wire.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "Request contains an invalid argument.");
                break;
            }
        }

        await ended.CancelAsync();
        _reply?.Cancel.Cancel();
    }

    private async Task RealtimeInputAsync(JsonObject input)
    {
        if (input["audio"] is JsonObject audio)
        {
            record.ClientEvents.Enqueue("realtimeInput.audio");
            if ((string?)audio["mimeType"] != "audio/pcm;rate=16000")
            {
                await wire.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "Request contains an invalid argument.");
                return;
            }

            var pcm = Convert.FromBase64String((string?)audio["data"] ?? "");
            record.AddAudio(pcm.Length / 2 * 1000.0 / InputRate);
            var starts = new List<long>();
            var stops = new List<long>();
            _vad.Feed(pcm, starts.Add, stops.Add);
            if (_automatic)
            {
                if (starts.Count > 0)
                {
                    await InterruptAsync();
                }

                if (stops.Count > 0)
                {
                    await EndOfTurnAsync();
                }
            }
        }

        foreach (var (name, _) in input)
        {
            if (name != "audio")
            {
                record.ClientEvents.Enqueue("realtimeInput." + name);
            }
        }

        if (input.ContainsKey("activityStart"))
        {
            _activity = true;
            await InterruptAsync();
        }

        if (input.ContainsKey("activityEnd") && _activity)
        {
            _activity = false;
            Interlocked.Increment(ref record.Commits);
            await EndOfTurnAsync();
        }

        if (input.ContainsKey("audioStreamEnd") && _automatic && _vad.InSpeech)
        {
            Interlocked.Increment(ref record.Commits);
            await EndOfTurnAsync();
        }
    }

    /// <summary>The user spoke during a reply: Gemini stops it by itself and says so.</summary>
    private async Task InterruptAsync()
    {
        (CancellationTokenSource Cancel, Task Streaming)? reply;
        lock (_lock)
        {
            reply = _reply;
            _reply = null;
        }

        if (reply is { } r)
        {
            Interlocked.Increment(ref record.Cancels);
            await r.Cancel.CancelAsync();
            await r.Streaming;
            await wire.SendAsync(Content(new JsonObject { ["interrupted"] = true }));
        }
    }

    private async Task EndOfTurnAsync()
    {
        var transcript = server.Script.TranscriptFor(_vad.SpeechMs);
        _vad.Reset();
        switch (server.Script.NextFault())
        {
            case FakeFault.RateLimit:
                await wire.CloseAsync(WebSocketCloseStatus.InternalServerError,
                    "You exceeded your current quota, please check your plan and billing details. RESOURCE_EXHAUSTED");
                return;
            case FakeFault.ServerError:
                await wire.CloseAsync(WebSocketCloseStatus.InternalServerError, "Internal error encountered.");
                return;
        }

        await wire.SendAsync(Content(new JsonObject { ["inputTranscription"] = new JsonObject { ["text"] = transcript } }));
        var cancel = new CancellationTokenSource();
        var text = server.Script.ReplyOr(_o.DefaultReply);
        lock (_lock)
        {
            _reply = (cancel, Task.Run(() => StreamAsync(text, cancel.Token)));
        }
    }

    private async Task StreamAsync(string text, CancellationToken cancel)
    {
        var pcm = ReplyAudio.For(text, OutputRate, _o.AudioPerCharacter);
        var chunkBytes = (int)(OutputRate * _o.DeltaDuration.TotalSeconds) * 2;
        var sentChars = 0;
        try
        {
            await Task.Delay(_o.FirstAudioDelay / _o.Speed, cancel);
            var clock = Stopwatch.StartNew();
            for (var offset = 0; offset < pcm.Length; offset += chunkBytes)
            {
                var chunk = pcm.AsMemory(offset, Math.Min(chunkBytes, pcm.Length - offset));
                cancel.ThrowIfCancellationRequested();
                var audio = new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "audio/pcm;rate=24000", ["data"] = Convert.ToBase64String(chunk.Span) } };
                await wire.SendAsync(Content(new JsonObject { ["modelTurn"] = new JsonObject { ["parts"] = new JsonArray(audio) } }), CancellationToken.None);
                var chars = (int)Math.Round(text.Length * (double)(offset + chunk.Length) / pcm.Length);
                if (chars > sentChars)
                {
                    await wire.SendAsync(Content(new JsonObject { ["outputTranscription"] = new JsonObject { ["text"] = text[sentChars..chars] } }), CancellationToken.None);
                    sentChars = chars;
                }

                var due = TimeSpan.FromSeconds((offset + chunk.Length) / 2.0 / OutputRate / _o.Speed) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancel);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return; // the interrupter says "interrupted"
        }

        lock (_lock)
        {
            _reply = null;
        }

        _turns++;
        await wire.SendAsync(Content(new JsonObject { ["generationComplete"] = true }));
        await wire.SendAsync(Content(new JsonObject { ["turnComplete"] = true }));
        await SendResumptionHandleAsync();
    }

    private async Task SendResumptionHandleAsync()
    {
        var handle = "fake-handle-" + Guid.NewGuid().ToString("N")[..12];
        server.Handles[handle] = _turns;
        await wire.SendAsync(new JsonObject { ["sessionResumptionUpdate"] = new JsonObject { ["newHandle"] = handle, ["resumable"] = true } });
    }

    /// <summary>The connection's cap: <c>goAway</c> with <c>timeLeft</c>, then the close.</summary>
    private async Task CapAsync(CancellationToken ended)
    {
        try
        {
            var lead = _o.GoAwayLead < _o.SessionCap ? _o.GoAwayLead : TimeSpan.Zero;
            await Task.Delay(_o.SessionCap - lead, ended);
            var seconds = lead.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
            await wire.SendAsync(new JsonObject { ["goAway"] = new JsonObject { ["timeLeft"] = seconds } });
            await Task.Delay(lead, ended);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await wire.CloseAsync(WebSocketCloseStatus.NormalClosure, "");
    }

    private static JsonObject Content(JsonObject serverContent) => new() { ["serverContent"] = serverContent };

    private static JsonObject? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
