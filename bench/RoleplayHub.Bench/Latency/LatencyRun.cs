using System.Collections.Concurrent;
using System.Globalization;
using RoleplayHub.Auth;
using RoleplayHub.Bench.Load;
using RoleplayHub.Bench.Vad;
using static RoleplayHub.Bench.Latency.BenchClock;

namespace RoleplayHub.Bench.Latency;

/// <summary>
/// A latency run: N trainees, started evenly over the ramp, each talking hands-free through the test recordings; per
/// clip, the time from the end of its last word to the first avatar-response of the turn it became. The server's and
/// the generator's CPU are sampled from /proc every second, so the report shows whether either was the bottleneck.
/// </summary>
internal sealed class LatencyRun
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> _problems = new();
    private readonly TokenIssuer _tokens;

    private LatencyRun(LatencyOptions options, List<TurnAudio> audio)
    {
        Options = options;
        Audio = audio;
        _tokens = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new AuthOptions
        {
            SigningKey = options.JwtSecret, Issuer = options.Issuer, Audience = options.Audience,
        }), TimeProvider.System); // the service's own issuer: tokens exactly like the ones it accepts
        RunId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 });
    }

    public LatencyOptions Options { get; }

    public List<TurnAudio> Audio { get; }

    public string RunId { get; }

    public HttpClient Http { get; }

    /// <summary>Every clip whose last word was sent, in the order they were.</summary>
    public ConcurrentQueue<TurnMeasurement> Measured { get; } = new();

    /// <summary>How late each chunk left against its schedule: the generator's own timer and thread-pool lag.</summary>
    public LatencySamples SendLag { get; } = new();

    public long SessionsStarted;

    public IReadOnlyDictionary<string, ConcurrentDictionary<string, int>> Problems => _problems;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LatencyOptions.Parse(args);
        var clips = await AlignedClips.LoadAsync();
        var audio = clips.Select(clip => TurnAudio.From(clip, options.Gap, options.NoiseDbfs, options.Chunk)).ToList();
        return await new LatencyRun(options, audio).RunAsync();
    }

    public string Token(string user) => _tokens.Issue(user, [], TimeSpan.FromHours(2)).Token;

    public void Count(string problem, string detail)
    {
        var details = _problems.GetOrAdd(problem, _ => new ConcurrentDictionary<string, int>());
        details.AddOrUpdate(detail.Length > 120 ? detail[..120] : detail, 1, (_, n) => n + 1);
    }

    private async Task<int> RunAsync()
    {
        var o = Options;
        var start = Now;
        var deadline = start + Ticks(o.Duration.TotalMilliseconds);
        var trainees = Enumerable.Range(0, o.Sessions).Select(i => new Trainee(i, this)).ToList();
        var tasks = trainees.Select((t, i) => Task.Run(() => t.RunAsync(start + Ticks(o.Ramp.TotalMilliseconds * i / o.Sessions), deadline))).ToList();

        // CPU is judged from the last trainee's start to the deadline: the trainees' last replies and goodbyes after
        // it are not load.
        var server = o.ServerPid is { } pid ? new ProcessSampler(pid) : null;
        var serverAlive = server is not null;
        var self = new ProcessSampler(Environment.ProcessId);
        var held = (From: DateTime.UtcNow + o.Ramp, To: DateTime.UtcNow + o.Duration);
        var overhead = o.Engine is null ? null : new RealtimeOverheadProbe(Http, o.Url, _tokens.Issue("bench-admin", ["admin"], TimeSpan.FromHours(2)).Token);
        var marked = false;
        SampleServer();
        self.Sample();
        var all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(1_000));
            SampleServer();
            self.Sample();
            if (!marked && overhead is not null && DateTime.UtcNow >= held.From)
            {
                marked = true;
                await overhead.MarkAsync();
            }
        }

        LatencyReport.Print(this, Held(server), Held(self), overhead is null ? null : await overhead.ReadSinceMarkAsync());
        return 0;

        // A server that exits mid-run is reported, and the run goes on to show what the trainees saw.
        void SampleServer()
        {
            try
            {
                if (serverAlive)
                {
                    server!.Sample();
                }
            }
            catch (IOException)
            {
                Count("serverExited", $"process {o.ServerPid} is gone");
                serverAlive = false;
            }
        }

        List<double> Held(ProcessSampler? sampler) =>
            sampler?.Samples.Where(s => s.At > held.From && s.At <= held.To).Select(s => s.CpuPercent).ToList() ?? [];
    }
}
