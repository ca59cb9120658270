using System.Globalization;

namespace RoleplayHub.Bench.Latency;

/// <summary>Command-line options of <c>latency</c>.</summary>
internal sealed record LatencyOptions
{
    public string Url { get; init; } = "http://127.0.0.1:5080";

    public int Sessions { get; init; } = 2;

    /// <summary>No trainee begins a clip after this; the clip in progress is streamed to the end of its silence.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>after</c>: server VAD ends the turn, the client never commits. <c>before</c>: the hands-free page's
    /// way, a commit <see cref="CommitAfter"/> after the last word.</summary>
    public string Mode { get; init; } = "after";

    /// <summary><c>after</c>'s turn detection: <c>semantic-vad</c> (what the hands-free page asks for) or <c>server-vad</c>.</summary>
    public string TurnDetection { get; init; } = "semantic-vad";

    /// <summary>semantic-vad's <c>eagerness</c>; absent, the server's default.</summary>
    public string? Eagerness { get; init; }

    /// <summary>Server VAD's <c>detector</c> and (server-vad only) <c>silenceMs</c>; absent, the server's defaults.</summary>
    public string? Detector { get; init; }

    public int? SilenceMs { get; init; }

    /// <summary>Chunk length; absent, what each mode's page sends: 100 ms with server VAD (the server's
    /// <c>audioConfig.chunkMs</c> for such sessions), 250 ms before it.</summary>
    public int? ChunkMs { get; init; }

    public int Chunk => ChunkMs ?? (Mode == "after" ? 100 : 250);

    /// <summary>The hands-free page committed after 600 ms of quiet.</summary>
    public TimeSpan CommitAfter { get; init; } = TimeSpan.FromMilliseconds(600);

    /// <summary>The least noise streamed after each clip.</summary>
    public TimeSpan Gap { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>After the persona's reply has played, the trainee waits this long (then the next clip's lead-in)
    /// before speaking again: speech over the reply would be an interruption to a server with barge-in.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Barge-in: the trainee starts the next clip this long after the reply's first audio arrived, over the
    /// persona, instead of waiting for the reply to play out; absent, it never talks over the persona.</summary>
    public TimeSpan? BargeInAfter { get; init; }

    /// <summary>The longest the trainee waits after its last word for the reply to be played.</summary>
    public TimeSpan TurnTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public double NoiseDbfs { get; init; } = -60;

    public string Scenario { get; init; } = "procurement-price";

    /// <summary>start-session's <c>engine</c> (<c>realtime:&lt;profile&gt;</c>); absent, the server's default.</summary>
    public string? Engine { get; init; }

    /// <summary>What the report calls the server's providers (<c>offline</c>, <c>latency-model</c>).</summary>
    public string Stack { get; init; } = "offline";

    public string JwtSecret { get; init; } = "bench-signing-key-bench-signing-key-0123";

    public string Issuer { get; init; } = "roleplayhub";

    public string Audience { get; init; } = "roleplayhub";

    public int? ServerPid { get; init; }

    public static LatencyOptions Parse(string[] args)
    {
        var o = new LatencyOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--url" => o with { Url = value.TrimEnd('/') },
                "--sessions" => o with { Sessions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => o with { Duration = Seconds(value) },
                "--ramp" => o with { Ramp = Seconds(value) },
                "--mode" => o with { Mode = value is "after" or "before" ? value : throw new ArgumentException("--mode after|before") },
                "--detector" => o with { Detector = value },
                "--turn-detection" => o with { TurnDetection = value is "server-vad" or "semantic-vad" ? value : throw new ArgumentException("--turn-detection server-vad|semantic-vad") },
                "--eagerness" => o with { Eagerness = value },
                "--chunk-ms" => o with { ChunkMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--silence-ms" => o with { SilenceMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--commit-after-ms" => o with { CommitAfter = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--gap" => o with { Gap = Seconds(value) },
                "--pause" => o with { Pause = Seconds(value) },
                "--barge-in-after-ms" => o with { BargeInAfter = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--turn-timeout" => o with { TurnTimeout = Seconds(value) },
                "--noise-dbfs" => o with { NoiseDbfs = double.Parse(value, CultureInfo.InvariantCulture) },
                "--scenario" => o with { Scenario = value },
                "--stack" => o with { Stack = value },
                "--engine" => o with { Engine = value },
                "--jwt-secret" => o with { JwtSecret = value },
                "--issuer" => o with { Issuer = value },
                "--audience" => o with { Audience = value },
                "--server-pid" => o with { ServerPid = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return o.CommitAfter < o.Gap ? o : throw new ArgumentException("--commit-after-ms must fall inside the --gap after the clip");
    }

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
}
