using RoleplayHub.Observability;

namespace RoleplayHub.Tests.Unit;

/// <summary>How long a node had work and no CPU: the "full" total of its cgroup-v2 group's <c>cpu.pressure</c>, found
/// under the cgroup-v2 mount that <c>/proc/self/mountinfo</c> names.</summary>
public sealed class CpuPressureTests
{
    [Fact]
    public void TheWaitIsTheFullLinesTotalInMicroseconds()
    {
        const string text = "some avg10=12.50 avg60=8.00 avg300=2.00 total=9000000\nfull avg10=1.00 avg60=0.50 avg300=0.10 total=1500000\n";

        Assert.Equal(TimeSpan.FromSeconds(1.5), CpuPressure.ParseFullTotal(text));
    }

    [Theory]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n")]
    [InlineData("full avg10=0.00 avg60=0.00 avg300=0.00 total=-3\n")]
    [InlineData("")]
    public void AFileWithoutAFullTotalSaysNothing(string text) => Assert.Null(CpuPressure.ParseFullTotal(text));

    [Fact]
    public void TheCgroupV2MountIsTheLineWhoseTypeIsCgroup2()
    {
        string[] hybrid =
        [
            "25 1 0:23 / /sys rw,nosuid - sysfs sysfs rw",
            "31 25 0:27 / /sys/fs/cgroup/cpu rw,nosuid shared:9 - cgroup cgroup rw,cpu",
            "30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:8 - cgroup2 cgroup2 rw,nsdelegate",
        ];

        Assert.Equal("/sys/fs/cgroup/unified", CpuPressure.UnifiedMount(hybrid));
        Assert.Null(CpuPressure.UnifiedMount(hybrid[..2]));
    }

    [Fact]
    public void ThePressureFileIsTheGroupsOwnAndNoneWithoutAV2Group()
    {
        var mount = Directory.CreateTempSubdirectory("cgroup2-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Join(mount, "system.slice", "roleplayhub.service"));
            File.WriteAllText(Path.Join(mount, "system.slice", "roleplayhub.service", "cpu.pressure"), "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
            File.WriteAllText(Path.Join(mount, "cpu.pressure"), "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");

            Assert.Equal(Path.Join(mount, "system.slice", "roleplayhub.service", "cpu.pressure"), CpuPressure.PressureFile(mount, "/system.slice/roleplayhub.service"));
            Assert.Equal(Path.Join(mount, "cpu.pressure"), CpuPressure.PressureFile(mount, "/")); // a container's own namespace
            Assert.Null(CpuPressure.PressureFile(mount, "/elsewhere"));
            Assert.Null(CpuPressure.PressureFile(null, "/"));
            Assert.Null(CpuPressure.PressureFile(mount, null));
        }
        finally
        {
            Directory.Delete(mount, recursive: true);
        }
    }
}
