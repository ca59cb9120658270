using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Core;
using RoleplayHub.Sessions;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Sessions;

/// <summary>A node refuses new sessions while it used at least <c>Sessions:AdmissionCpu</c> of the CPUs it may use over a
/// whole window, and takes them again once that falls. It reports how long it waited for a CPU, and refuses no one for
/// that.</summary>
public sealed class NodeAdmissionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly NodeLoad _load;
    private NodeAdmission? _admission;

    public NodeAdmissionTests() => _load = new NodeLoad(() => _admission!);

    // A one-second window: two samples after the first.
    private NodeAdmission Admission(double limit) => _admission = new(
        Options.Create(new RoleplaySessionOptions { AdmissionCpu = limit, AdmissionWindow = TimeSpan.FromSeconds(1) }),
        _time, NullLogger<NodeAdmission>.Instance);

    [Fact]
    public void TheLoadIsTheShareOfItsCpusTheNodeUsedOverTheWindow()
    {
        var admission = Admission(0.8);

        _load.Sample(1.5, 0.9, 0.2, 0.4, 0.6); // the window: the last two samples
        Assert.Equal(0.5, admission.Load, 3);
        Assert.Equal(1.5, admission.Allowance);
    }

    [Fact]
    public void ANewSessionIsRefusedOnlyOnceAWholeWindowIsOverTheLimit()
    {
        var admission = Admission(0.8);

        _load.Sample(1, 1.0, 1.0);
        var whileStarting = admission.Refusal();
        _load.Sample(1, 0.9);
        var refusal = admission.Refusal();

        Assert.Null(whileStarting);
        Assert.False(admission.Admitting);
        Assert.Equal(ErrorCodes.ServerBusy, refusal?.Code);
        Assert.True(refusal?.Retryable);
        Assert.Contains("95", refusal?.Message, StringComparison.Ordinal);
        Assert.Contains("Sessions:AdmissionCpu", refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneBusyMomentRefusesNoOne()
    {
        var admission = Admission(0.8);

        _load.Sample(1, 0.3, 0.3, 1.0, 0.3, 0.3);

        Assert.True(admission.Admitting);
        Assert.Null(admission.Refusal());
    }

    [Fact]
    public void TheNodeTakesNewSessionsAgainOnceItsLoadFalls()
    {
        var admission = Admission(0.8);
        _load.Sample(1, 0.9, 0.9, 0.9);
        var refusing = !admission.Admitting;

        _load.Sample(1, 0.5, 0.5);

        Assert.True(refusing);
        Assert.True(admission.Admitting);
        Assert.Null(admission.Refusal());
    }

    [Fact]
    public void ASmallerCpuQuotaMakesTheSameWorkAHeavierLoad()
    {
        var admission = Admission(0.8);

        _load.Sample(0.5, 0.9, 0.9, 0.9); // 0.45 of a CPU, under a quota of half a CPU

        Assert.False(admission.Admitting);
    }

    [Fact]
    public void AZeroLimitMeasuresButNeverRefuses()
    {
        var admission = Admission(0);

        _load.Sample(1, 1.0, 1.0, 1.0);

        Assert.Equal(1.0, admission.Load, 3);
        Assert.Null(admission.Refusal());
    }

    [Fact]
    public void TheWaitIsTheShareOfTheWindowInWhichTheNodeHadWorkAndNoCpuAndRefusesNoOne()
    {
        // Another process on the node's core: the node gets 40 % of it and waits for it a third of the time. Shedding
        // sessions would not shorten that wait (docs/benchmarks.md, "A node whose core is shared").
        var admission = Admission(0.8);

        _load.SampleWaiting(1, 0.35, 0.4, 0.4, 0.4);

        Assert.Equal(0.35, admission.Wait ?? 0, 3);
        Assert.True(admission.Admitting);
        Assert.Null(admission.Refusal());
    }

    [Fact]
    public void TheLogSaysOnceThatOtherWorkHoldsTheNodesCoresAndOnceThatItHasPassed()
    {
        var log = new ListLogger<NodeAdmission>();
        _admission = new NodeAdmission(
            Options.Create(new RoleplaySessionOptions { AdmissionCpu = 0.8, AdmissionWindow = TimeSpan.FromSeconds(1) }),
            _time, log);

        _load.SampleWaiting(1, 0.3, 0.5, 0.5, 0.5, 0.5); // two whole windows at 30 %
        _load.SampleWaiting(1, 0.08, 0.5, 0.5); // under the warning's line, not yet under half of it
        _load.SampleWaiting(1, 0.01, 0.5, 0.5);

        Assert.Collection(log.Messages,
            warning => Assert.StartsWith("Warning: This node had work and no CPU to run it 30", warning, StringComparison.Ordinal),
            passed => Assert.StartsWith("Information: This node's wait for a CPU has fallen to", passed, StringComparison.Ordinal));
    }

    [Fact]
    public void ANodeWhoseKernelSaysNothingOfItsWaitsHasNoWait()
    {
        var admission = Admission(0.8);

        _load.Sample(1, 0.5, 0.5, 0.5);

        Assert.Null(admission.Wait);
    }

    [Fact]
    public void AWindowWithAReadingMissingHasNoWaitUntilAWholeWindowIsReadAgain()
    {
        // A reading is missing when the process moves to another group: the window's ends could be two groups' totals.
        var admission = Admission(0.8);
        _load.SampleWaiting(1, 0.5, 0.4, 0.4, 0.4);
        var before = admission.Wait;

        _load.Sample(1, 0.4);
        var missing = admission.Wait;
        _load.SampleWaiting(1, 0.5, 0.4, 0.4);
        var partly = admission.Wait;
        _load.SampleWaiting(1, 0.5, 0.4);

        Assert.Equal(0.5, before ?? 0, 3);
        Assert.Null(missing);
        Assert.Null(partly);
        Assert.Equal(0.5, admission.Wait ?? 0, 3);
    }

    [Fact]
    public async Task TheRunningNodeSamplesItsOwnCpu()
    {
        using var admission = new NodeAdmission(
            Options.Create(new RoleplaySessionOptions { AdmissionCpu = 0.8, AdmissionWindow = TimeSpan.FromSeconds(1) }),
            TimeProvider.System, NullLogger<NodeAdmission>.Instance);
        await admission.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => admission.Load > 0, TimeSpan.FromSeconds(10), every: TimeSpan.FromMilliseconds(100));

        await admission.StopAsync(CancellationToken.None);

        Assert.InRange(admission.Load, double.Epsilon, 1.5); // the test process spends some CPU every second
        Assert.InRange(admission.Allowance, 0.01, Environment.ProcessorCount);
    }

    [Theory]
    [InlineData(-0.1, "00:00:05")]
    [InlineData(1.5, "00:00:05")]
    [InlineData(0.8, "00:00:00.500")]
    [InlineData(0.8, "00:05:00")]
    public void AShareOutsideZeroToOneOrAWindowOutsideOneSecondToTwoMinutesIsRefusedAtStart(double share, string window)
    {
        var result = new ValidateRoleplaySessionOptions().Validate(null,
            new RoleplaySessionOptions { AdmissionCpu = share, AdmissionWindow = TimeSpan.Parse(window) });

        Assert.True(result.Failed);
        Assert.Contains("Sessions:AdmissionCpu", result.FailureMessage, StringComparison.Ordinal);
    }
}
