using System.Globalization;

namespace RoleplayHub.Bench.NodeLoss;

/// <summary>Command-line options of <c>node-loss</c> (run by bench/node-loss.sh against scripts/cluster.sh).</summary>
internal sealed record NodeLossOptions
{
    /// <summary>The load balancer in front of the nodes (nginx of scripts/cluster.sh).</summary>
    public string Url { get; init; } = "http://127.0.0.1:8080";

    public int Sessions { get; init; } = 30;

    /// <summary>Replies each trainee waits for before it ends its session, the resumed ones included.</summary>
    public int Turns { get; init; } = 4;

    /// <summary>When the node is killed, after the trainees have started.</summary>
    public TimeSpan KillAfter { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>The command that SIGKILLs one node (run with <c>bash -c</c>).</summary>
    public string KillCommand { get; init; } = "scripts/cluster.sh kill 1";

    /// <summary>The nodes' <c>Auth:SigningKey</c>, to mint the trainees' and the checker's tokens.</summary>
    public string JwtSecret { get; init; } = "cluster-signing-key-cluster-signing-key-01";

    /// <summary>How long a trainee of the killed node keeps trying to resume.</summary>
    public TimeSpan ResumeWithin { get; init; } = TimeSpan.FromSeconds(60);

    public static NodeLossOptions Parse(string[] args)
    {
        var o = new NodeLossOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--url" => o with { Url = value.TrimEnd('/') },
                "--sessions" => o with { Sessions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--turns" => o with { Turns = int.Parse(value, CultureInfo.InvariantCulture) },
                "--kill-after" => o with { KillAfter = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--kill-command" => o with { KillCommand = value },
                "--jwt-secret" => o with { JwtSecret = value },
                "--resume-within" => o with { ResumeWithin = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return o;
    }
}
