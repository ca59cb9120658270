using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// The CPU a test's node "used", fed to its <see cref="NodeAdmission"/> as the node's own sampling would: one whole
/// window (<c>Sessions:AdmissionWindow</c>) at a time. The factory's clock must be the test's
/// (<see cref="RoleplayHubFactory.UseManualTime"/>), so the node's own sampling never fires.
/// </summary>
public sealed class NodeLoad(RoleplayHubFactory factory, TimeSpan window)
{
    private long _sampledAt;
    private TimeSpan _cpu;

    /// <summary>A whole window in which the node used <paramref name="share"/> of its one CPU.</summary>
    public void Window(double share)
    {
        var admission = factory.Services.GetRequiredService<NodeAdmission>();
        for (var i = 0; i <= NodeAdmission.WindowSamples(window); i++)
        {
            _sampledAt += TimeSpan.TicksPerSecond / 2; // the test's clock counts timestamps in ticks
            _cpu += NodeAdmission.SampleInterval * share;
            admission.Sample(_sampledAt, _cpu, 1);
        }
    }
}
