using RoleplayHub.Observability;

namespace RoleplayHub.Tests.Unit;

/// <summary>The CPUs a process may use come from its cgroup's quota when it has one, taken as it is.</summary>
public sealed class CpuAllowanceTests
{
    [Theory]
    [InlineData("150000 100000", 1.5)]
    [InlineData("50000 100000", 0.5)]
    [InlineData("max 100000", null)]
    [InlineData("garbage", null)]
    public void CgroupV2CpuMaxIsAQuotaOverAPeriod(string text, double? cpus) => Assert.Equal(cpus, CpuAllowance.ParseCpuMax(text));

    [Theory]
    [InlineData("250000", "100000", 2.5)]
    [InlineData("-1", "100000", null)]
    [InlineData("50000", "0", null)]
    public void CgroupV1QuotaIsOverItsPeriodAndMinusOneIsNone(string quota, string period, double? cpus) =>
        Assert.Equal(cpus, CpuAllowance.ParseCfs(quota, period));

    [Fact]
    public void TheCgroupPathIsTheUnifiedLineOrTheV1LineWithTheCpuController()
    {
        string[] lines = ["12:memory:/mem", "4:cpu,cpuacct:/kubepods/pod1/c1", "0::/kubepods/pod1/c1-v2"];

        Assert.Equal("/kubepods/pod1/c1-v2", CpuAllowance.CgroupPath(lines, v2: true));
        Assert.Equal("/kubepods/pod1/c1", CpuAllowance.CgroupPath(lines, v2: false));
        Assert.Null(CpuAllowance.CgroupPath(["3:cpuset:/x"], v2: false));
    }

    [Fact]
    public void ThisProcessMayUseSomeCpuAndNoMoreThanItsProcessorCount() =>
        Assert.InRange(CpuAllowance.Current(), 0.01, Environment.ProcessorCount);
}
