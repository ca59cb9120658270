using System.Globalization;

namespace RoleplayHub.Bench.Crash;

/// <summary>Command-line options of <c>crash</c>.</summary>
internal sealed record CrashOptions
{
    /// <summary>The service's built entry point (Backend/bin/Release/net10.0/RoleplayHub.Backend.dll).</summary>
    public string ServerDll { get; init; } = "Backend/bin/Release/net10.0/RoleplayHub.Backend.dll";

    public int Trials { get; init; } = 10;

    public int Sessions { get; init; } = 20;

    /// <summary><c>latency-model</c> (the modelled providers) or <c>offline</c> (PocketSphinx, scripted, espeak-ng).</summary>
    public string Providers { get; init; } = "latency-model";

    public int Port { get; init; } = 5095;

    /// <summary>The kill comes at a random moment between these two, after the trainees have started.</summary>
    public TimeSpan KillAfterMin { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan KillAfterMax { get; init; } = TimeSpan.FromSeconds(15);

    public string JwtSecret { get; init; } = "bench-signing-key-bench-signing-key-0123";

    public int Seed { get; init; } = 1;

    /// <summary><c>kill</c> (SIGKILL: a crash) or <c>term</c> (SIGTERM: the graceful stop, with its drain).</summary>
    public string Signal { get; init; } = "kill";

    public string? Out { get; init; }

    public static CrashOptions Parse(string[] args)
    {
        var o = new CrashOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--server-dll" => o with { ServerDll = value },
                "--trials" => o with { Trials = int.Parse(value, CultureInfo.InvariantCulture) },
                "--sessions" => o with { Sessions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--providers" => o with { Providers = value is "latency-model" or "offline" ? value : throw new ArgumentException("--providers latency-model|offline") },
                "--port" => o with { Port = int.Parse(value, CultureInfo.InvariantCulture) },
                "--kill-after-min" => o with { KillAfterMin = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--kill-after-max" => o with { KillAfterMax = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--jwt-secret" => o with { JwtSecret = value },
                "--signal" => o with { Signal = value is "kill" or "term" ? value : throw new ArgumentException("--signal kill|term") },
                "--seed" => o with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => o with { Out = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return o;
    }
}
