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
/// a drill keeps it. Invariant: samples are taken one at a time (under <c>_tick</c>), in time order.
/// </summary>
public sealed partial class NodeAdmission : IHostedService, IDisposable
{
    /// <summary>How often the CPU time is read.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _time;
    private readonly ILogger<NodeAdmission> _logger;
    private readonly double _limit;
    private readonly (long At, TimeSpan Cpu)[] _samples; // a ring: the window's first sample is the oldest
    private readonly Lock _tick = new();
    private int _next;
    private int _count;
    private double _load; // read by any thread
    private double _allowance;
    private ITimer? _timer;

    public NodeAdmission(IOptions<RoleplaySessionOptions> options, TimeProvider time, ILogger<NodeAdmission> logger)
    {
        (_time, _logger, _limit) = (time, logger, options.Value.AdmissionCpu);
        _samples = new (long, TimeSpan)[WindowSamples(options.Value.AdmissionWindow) + 1];
    }

    /// <summary>The samples a window spans.</summary>
    public static int WindowSamples(TimeSpan window) => (int)(window / SampleInterval);

    /// <summary>The share of its CPUs the node used over the window (0 before a whole window has been sampled).</summary>
    public double Load => Volatile.Read(ref _load);

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

    /// <summary>Records the process's CPU time at <paramref name="timestamp"/>, and the CPUs it may use.</summary>
    internal void Sample(long timestamp, TimeSpan cpu, double allowance)
    {
        lock (_tick)
        {
            _samples[_next] = (timestamp, cpu);
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
            Volatile.Write(ref _allowance, allowance);
            if (_count < _samples.Length)
            {
                return; // not a whole window yet: the node's own start refuses no one
            }

            var (firstAt, firstCpu) = _samples[_next]; // the oldest, overwritten next
            var elapsed = _time.GetElapsedTime(firstAt, timestamp);
            var load = elapsed > TimeSpan.Zero && allowance > 0 ? (cpu - firstCpu) / elapsed / allowance : 0;
            var admitted = Admitting;
            Volatile.Write(ref _load, load);
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

    private void SampleNow() => Sample(_time.GetTimestamp(), Environment.CpuUsage.TotalTime, CpuAllowance.Current());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing new sessions: this node used {Load:P0} of its {Allowance:0.##} CPUs over the last seconds, at or over Sessions:AdmissionCpu ({Limit:P0})")]
    private partial void LogRefusing(double load, double allowance, double limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Taking new sessions again: this node uses {Load:P0} of its CPU")]
    private partial void LogAdmitting(double load);
}
