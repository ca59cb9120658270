using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Observability;

namespace RoleplayHub.Sessions;

/// <summary>
/// Whether this node can take a new session, from the CPU it uses. Every <see cref="SampleInterval"/> it reads the
/// process's CPU time; its load is the share of the CPUs it may use (<see cref="CpuAllowance"/>) that it used over
/// <c>Sessions:AdmissionWindow</c>. While that is at or over <c>Sessions:AdmissionCpu</c> new sessions are refused
/// (<c>server-busy</c>, retryable): past it every session's latency grows with each one added, and a node that keeps
/// taking them lets all of them down (docs/benchmarks.md, "A node over its CPU"). A resume is always taken: a trainee in
/// a drill keeps it. It also reports the node's wait: the share of the window in which it had work and no CPU ran it
/// (<see cref="CpuPressure"/>), other work holding its cores. That is no reason to refuse: shedding sessions does not
/// shorten it (docs/benchmarks.md, "A node whose core is shared"); it says the node should be moved, and the node's log
/// says so once the wait reaches <see cref="WaitWarning"/>. Invariant: samples are taken one at a time (under
/// <c>_tick</c>), in time order.
/// </summary>
public sealed partial class NodeAdmission : IHostedService, IDisposable
{
    /// <summary>How often the CPU time is read.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The wait at which the node warns that other work holds its cores, and (at half of it) says that has
    /// passed. Measured: under 2 % alone at any load, 2.5 % beside a neighbour that yields, 18–45 % beside one that
    /// does not (docs/benchmarks.md, "A node whose core is shared").</summary>
    public const double WaitWarning = 0.1;

    private readonly TimeProvider _time;
    private readonly ILogger<NodeAdmission> _logger;
    private readonly double _limit;
    private readonly (long At, TimeSpan Cpu, TimeSpan? Stalled)[] _samples; // a ring: the window's first sample is the oldest
    private readonly Lock _tick = new();
    private int _next;
    private int _count;
    private double _load; // read by any thread
    private double _wait = double.NaN; // NaN: not known (no pressure figure on this node)
    private double _allowance;
    private bool _waitWarned;
    private ITimer? _timer;

    public NodeAdmission(IOptions<RoleplaySessionOptions> options, TimeProvider time, ILogger<NodeAdmission> logger)
    {
        (_time, _logger, _limit) = (time, logger, options.Value.AdmissionCpu);
        _samples = new (long, TimeSpan, TimeSpan?)[WindowSamples(options.Value.AdmissionWindow) + 1];
    }

    /// <summary>The samples a window spans.</summary>
    public static int WindowSamples(TimeSpan window) => (int)(window / SampleInterval);

    /// <summary>The share of its CPUs the node used over the window (0 before a whole window has been sampled).</summary>
    public double Load => Volatile.Read(ref _load);

    /// <summary>The share of the window in which the node had work and no CPU ran it; null where the kernel does not
    /// say (<see cref="CpuPressure"/>) or before a whole window.</summary>
    public double? Wait => Volatile.Read(ref _wait) is var wait && double.IsNaN(wait) ? null : wait;

    /// <summary>The CPUs the node may use, as last read.</summary>
    public double Allowance => Volatile.Read(ref _allowance);

    /// <summary>False while new sessions are refused.</summary>
    public bool Admitting => _limit <= 0 || Load < _limit;

    /// <summary>The refusal a new session gets now, or null when the node takes it.</summary>
    public ClientError? Refusal() => Admitting
        ? null
        : new ClientError(ErrorCodes.ServerBusy,
            $"This node is using {Load:P0} of its CPU (Sessions:AdmissionCpu is {_limit:P0}) and takes no new sessions until that falls; try again shortly, or another node.",
            true);

    /// <summary>Records the process's CPU time at <paramref name="timestamp"/>, the CPUs it may use, and how long the
    /// node has waited for a CPU (null where that is not known).</summary>
    internal void Sample(long timestamp, TimeSpan cpu, double allowance, TimeSpan? stalled = null)
    {
        lock (_tick)
        {
            _samples[_next] = (timestamp, cpu, stalled);
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
            Volatile.Write(ref _allowance, allowance);
            if (_count < _samples.Length)
            {
                return; // not a whole window yet: the node's own start refuses no one
            }

            var (firstAt, firstCpu, firstStalled) = _samples[_next]; // the oldest, overwritten next
            var elapsed = _time.GetElapsedTime(firstAt, timestamp);
            var load = elapsed > TimeSpan.Zero && allowance > 0 ? (cpu - firstCpu) / elapsed / allowance : 0;
            var wait = elapsed > TimeSpan.Zero && stalled is { } last && firstStalled is { } first && WholeWindowRead() ? (last - first) / elapsed : double.NaN;
            var admitted = Admitting;
            Volatile.Write(ref _load, load);
            Volatile.Write(ref _wait, wait);
            WarnOfWait(wait, load);
            if (admitted == Admitting)
            {
                return;
            }

            if (admitted)
            {
                LogRefusing(load, allowance, _limit);
            }
            else
            {
                LogAdmitting(load);
            }
        }
    }

    // Once per crossing, with room between the two lines so that a wait near one does not fill the log.
    private void WarnOfWait(double wait, double load)
    {
        if (!_waitWarned && wait >= WaitWarning)
        {
            _waitWarned = true;
            LogWaiting(wait, load);
        }
        else if (_waitWarned && wait < WaitWarning / 2)
        {
            _waitWarned = false;
            LogWaitPassed(wait);
        }
    }

    // A reading missing anywhere in the window (the process moved to another group, a failed read) leaves its wait
    // unknown: the ends could be two groups' totals.
    private bool WholeWindowRead()
    {
        foreach (var sample in _samples)
        {
            if (sample.Stalled is null)
            {
                return false;
            }
        }

        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(static state => ((NodeAdmission)state!).SampleNow(), this, TimeSpan.Zero, SampleInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void SampleNow()
    {
        var cgroups = CpuAllowance.ProcessCgroups(); // read once for both figures
        Sample(_time.GetTimestamp(), Environment.CpuUsage.TotalTime, CpuAllowance.Current(cgroups), CpuPressure.Stalled(cgroups));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing new sessions: this node used {Load:P0} of its {Allowance:0.##} CPUs over the last seconds, at or over Sessions:AdmissionCpu ({Limit:P0})")]
    private partial void LogRefusing(double load, double allowance, double limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node had work and no CPU to run it {Wait:P0} of the last seconds, while it used {Load:P0} of its CPU: other work holds its cores and its trainees wait. Move it, or give it cores of its own")]
    private partial void LogWaiting(double wait, double load);

    [LoggerMessage(Level = LogLevel.Information, Message = "This node's wait for a CPU has fallen to {Wait:P0}")]
    private partial void LogWaitPassed(double wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking new sessions again: this node uses {Load:P0} of its CPU")]
    private partial void LogAdmitting(double load);
}
