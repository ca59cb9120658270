using Microsoft.Extensions.Options;

namespace RoleplayHub.Resilience.Faults;

/// <summary>What an injected fault does to one call.</summary>
public enum FaultKind
{
    Delay,
    Error,
    Timeout,
    Drop,
    Partial,
}

/// <summary>
/// Decides, call by call, whether a provider call fails and how (<see cref="FaultOptions"/>). One seeded generator
/// for the whole service, so a run with the same seed and the same order of calls meets the same faults. Counts what
/// it injected, for the trial's report and the tests.
/// </summary>
public sealed class FaultInjector(IOptions<FaultOptions> options, ILogger<FaultInjector> logger)
{
    private readonly FaultOptions _options = options.Value;
    private readonly Random _random = new(options.Value.Seed);
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Stage, FaultKind Kind), int> _injected = [];

    public bool Enabled => _options.Enabled;

    public TimeSpan Delay => _options.Delay;

    public TimeSpan Timeout => _options.Timeout;

    /// <summary>Faults injected so far, per stage and kind.</summary>
    public IReadOnlyDictionary<(string Stage, FaultKind Kind), int> Injected
    {
        get { lock (_gate) { return new Dictionary<(string, FaultKind), int>(_injected); } }
    }

    /// <summary>Whether this stage is under injection at all (a wrapper is only put in front of those).</summary>
    public bool Covers(string stage) => _options.Enabled && (_options.Stages.Count == 0 || _options.Stages.Contains(stage));

    /// <summary>The fault for the next call of <paramref name="stage"/>, among those it can suffer, or null.</summary>
    public FaultKind? Next(string stage, params FaultKind[] possible)
    {
        var allowed = possible.Where(k => _options.Kinds.Count == 0 || _options.Kinds.Contains(k.ToString().ToLowerInvariant())).ToList();
        lock (_gate)
        {
            if (!Covers(stage) || allowed.Count == 0 || _random.NextDouble() >= _options.Rate)
            {
                return null;
            }

            var kind = allowed[_random.Next(allowed.Count)];
            _injected[(stage, kind)] = _injected.GetValueOrDefault((stage, kind)) + 1;
            logger.LogInformation("Fault injection: {Kind} on {Stage}", kind, stage);
            return kind;
        }
    }
}
