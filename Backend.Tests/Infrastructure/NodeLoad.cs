using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// The CPU a test's node "used", fed to its <see cref="NodeAdmission"/> as the node's own sampling would: a sample every
/// <see cref="NodeAdmission.SampleInterval"/>, on a test's clock (a <c>FakeTimeProvider</c>, whose timestamps are
/// ticks), so the node's own sampling never fires.
/// </summary>
public sealed class NodeLoad(Func<NodeAdmission> admission)
{
    private long _sampledAt;
    private TimeSpan _cpu;
    private TimeSpan _stalled;

    /// <summary>The admission of a factory's node; its clock must be the test's (<see cref="RoleplayHubFactory.UseManualTime"/>).</summary>
    public NodeLoad(RoleplayHubFactory factory)
        : this(() => factory.Services.GetRequiredService<NodeAdmission>())
    {
    }

    /// <summary>Samples in which the node used <paramref name="shares"/> of <paramref name="allowance"/> CPUs, on a node
    /// whose kernel says nothing of its waits.</summary>
    public void Sample(double allowance, params double[] shares) => Sample(allowance, null, shares);

    /// <summary>Samples in which the node used <paramref name="shares"/> of <paramref name="allowance"/> CPUs and had
    /// work and no CPU for <paramref name="wait"/> of each interval.</summary>
    public void SampleWaiting(double allowance, double wait, params double[] shares) => Sample(allowance, wait, shares);

    /// <summary>A whole <paramref name="window"/> (<c>Sessions:AdmissionWindow</c>) in which the node used
    /// <paramref name="share"/> of its one CPU (and waited <paramref name="wait"/> of it, where given).</summary>
    public void Window(TimeSpan window, double share, double? wait = null) =>
        Sample(1, wait, [.. Enumerable.Repeat(share, NodeAdmission.WindowSamples(window) + 1)]);

    private void Sample(double allowance, double? wait, double[] shares)
    {
        var node = admission();
        foreach (var share in shares)
        {
            _sampledAt += NodeAdmission.SampleInterval.Ticks;
            _cpu += NodeAdmission.SampleInterval * share * allowance;
            _stalled += NodeAdmission.SampleInterval * (wait ?? 0);
            node.Sample(_sampledAt, _cpu, allowance, wait is null ? null : _stalled);
        }
    }
}
