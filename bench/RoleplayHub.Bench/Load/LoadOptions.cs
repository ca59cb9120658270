using System.Globalization;

namespace RoleplayHub.Bench.Load;

/// <summary>Command-line options of <c>load</c>.</summary>
internal sealed record LoadOptions
{
    public string Url { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The server under test: <c>signalr</c> (this hub), <c>socketio</c> (the Node reference of
    /// ../shared/reference-bench, driven with the same workload over Socket.io 4; audio events, no completions) or
    /// <c>floor</c> (the floor server: the audio socket's framing acknowledged by bare Kestrel, no sessions).</summary>
    public string Target { get; init; } = "signalr";

    public int Sessions { get; init; } = 100;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(10);

    public string JwtSecret { get; init; } = "bench-signing-key-bench-signing-key-0123";

    public string Issuer { get; init; } = "roleplayhub";

    public string Audience { get; init; } = "roleplayhub";

    public string? Audio { get; init; }

    public double UtteranceSeconds { get; init; } = 3;

    public TimeSpan Pause { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan TurnTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>invoke</c> (each chunk awaits a completion, like connection.invoke), <c>send</c> (fire and
    /// forget, like connection.send) or <c>stream</c> (one client→server stream per session).</summary>
    public string ChunkMode { get; init; } = "invoke";

    public string Scenario { get; init; } = "procurement-price";

    /// <summary>The hub protocol: <c>json</c> (audio as base64 text) or <c>messagepack</c> (audio as bytes; with
    /// <c>--chunk-mode invoke</c> or <c>send</c>).</summary>
    public string Protocol { get; init; } = "json";

    /// <summary>start-session's <c>audioAck</c>: <c>event</c> (an audio-received per chunk) or <c>completion</c> (the
    /// invocation's result; with <c>--chunk-mode invoke</c> only).</summary>
    public string AudioAck { get; init; } = "event";

    /// <summary>start-session's <c>audioAckEvery</c>: an audio-received for every Nth chunk (with <c>event</c>).</summary>
    public int AudioAckEvery { get; init; } = 1;

    public int? ServerPid { get; init; }

    public string? Out { get; init; }

    /// <summary>Connect only (no sessions, pings only): measures memory per idle connection.</summary>
    public bool Idle { get; init; }

    /// <summary>Also break the memory per connection/session down by type (<see cref="HeapCensus"/>). Suspends
    /// the server for about a second twice, so read latencies from another run.</summary>
    public bool HeapCensus { get; init; }

    /// <summary>Also count, halfway through the hold, what the server's young collections promoted
    /// (<see cref="Load.HeapCensus.TakeGeneration1"/>): the objects its acknowledgement tail's pauses copy. Suspends
    /// the server for about a second, so read latencies from another run.</summary>
    public bool PromotionCensus { get; init; }

    /// <summary>Also count, halfway through the hold, the server's old objects that point at younger ones
    /// (<see cref="Load.CardCensus"/>): the cards each young collection scans. Suspends the server for a few seconds,
    /// so read latencies from another run.</summary>
    public bool CardCensus { get; init; }

    /// <summary>Send the recording's bytes unchanged in every chunk of every trainee, instead of stamping each chunk
    /// (<see cref="LoadRun.Stamp"/>): every utterance the run sends is then the same bytes, and a server that stores
    /// recordings by their content stores one.</summary>
    public bool IdenticalAudio { get; init; }

    /// <summary>Every so often, also read the server's live heap after a full, compacting collection (the soak's
    /// leak curve: the heap sampled between collections includes garbage waiting for a gen2 collection). Each read
    /// pauses the server for that collection.</summary>
    public TimeSpan? LiveHeapEvery { get; init; }

    /// <summary>Megabytes the generator may allocate without a collection of its own (a no-GC region from the start of
    /// the run; 0: none). Its collections stop every trainee's pacing at once, which its send lag reports as its own
    /// lateness; with the region it makes none while it measures, unless it allocates more than this.</summary>
    public int NoGcRegionMb { get; init; } = 1024;

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] is "--idle" or "--heap-census" or "--promotion-census" or "--card-census" or "--identical-audio")
            {
                o = args[i] switch
                {
                    "--idle" => o with { Idle = true },
                    "--heap-census" => o with { HeapCensus = true },
                    "--promotion-census" => o with { PromotionCensus = true },
                    "--card-census" => o with { CardCensus = true },
                    _ => o with { IdenticalAudio = true },
                };
                i--;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--target" => o with { Target = value is "signalr" or "socketio" or "floor" ? value : throw new ArgumentException("--target signalr|socketio|floor") },
                "--url" => o with { Url = value.TrimEnd('/') },
                "--sessions" => o with { Sessions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => o with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--ramp" => o with { Ramp = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--jwt-secret" => o with { JwtSecret = value },
                "--issuer" => o with { Issuer = value },
                "--audience" => o with { Audience = value },
                "--audio" => o with { Audio = value },
                "--utterance" => o with { UtteranceSeconds = double.Parse(value, CultureInfo.InvariantCulture) },
                "--pause" => o with { Pause = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--turn-timeout" => o with { TurnTimeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--chunk-mode" => o with { ChunkMode = value is "invoke" or "send" or "stream" or "socket" ? value : throw new ArgumentException("--chunk-mode invoke|send|stream|socket") },
                "--scenario" => o with { Scenario = value },
                "--protocol" => o with { Protocol = value is "json" or "messagepack" ? value : throw new ArgumentException("--protocol json|messagepack") },
                "--ack" => o with { AudioAck = value is "event" or "completion" ? value : throw new ArgumentException("--ack event|completion") },
                "--ack-every" => o with { AudioAckEvery = int.Parse(value, CultureInfo.InvariantCulture) },
                "--server-pid" => o with { ServerPid = int.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => o with { Out = value },
                "--live-heap-every" => o with { LiveHeapEvery = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--no-gc-region" => o with { NoGcRegionMb = int.Parse(value, CultureInfo.InvariantCulture) is >= 0 and var mb ? mb : throw new ArgumentException("--no-gc-region MB (0: none)") },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        if (o.Protocol == "messagepack" && o.ChunkMode == "stream")
        {
            throw new ArgumentException("--protocol messagepack streams audio with --chunk-mode invoke or send");
        }

        // Socket.io's emit has no completion: the reference acknowledges every chunk with an audio-received event.
        return o.Target == "socketio" ? o with { ChunkMode = "send", Protocol = "json", AudioAck = "event" } : o;
    }
}
