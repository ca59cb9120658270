using System.Diagnostics;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>scripts/runtime-env.sh: the runtime settings scripts/run.sh, the Docker image and the benchmarks start the
/// service with, chosen for the CPUs the process may use.</summary>
public sealed class RuntimeSettingsTests
{
    private const string PoolArrays = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";
    private const string TierUpDelay = "DOTNET_TC_DelaySingleProcMultiplier";
    private const string Spinning = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string ProcessorCount = "DOTNET_PROCESSOR_COUNT";
    private static readonly string AllCpus = $"0-{Environment.ProcessorCount - 1}";

    [Fact]
    public async Task OnOneCpuPoolThreadsDoNotSpinAndSocketCompletionsRunInline()
    {
        var settings = await SettingsOnAsync("0");

        Assert.Equal("0", settings.GetValueOrDefault(Spinning));
        Assert.Equal("1", settings.GetValueOrDefault(InlineCompletions));
        Assert.Equal("512", settings.GetValueOrDefault(PoolArrays));
        Assert.Equal("1", settings.GetValueOrDefault(TierUpDelay));
    }

    [Fact]
    public async Task OnTwoCpusPoolThreadsDoNotSpinAndSocketCompletionsRunInline()
    {
        var settings = await SettingsOnAsync(AllCpus, (ProcessorCount, "2"));

        Assert.Equal("0", settings.GetValueOrDefault(Spinning));
        Assert.Equal("1", settings.GetValueOrDefault(InlineCompletions));
    }

    [Fact]
    public async Task AboveTwoCpusSpinningAndCompletionsAreTheRuntimes()
    {
        var settings = await SettingsOnAsync(AllCpus, (ProcessorCount, "4"));

        Assert.Null(settings.GetValueOrDefault(Spinning));
        Assert.Null(settings.GetValueOrDefault(InlineCompletions));
        Assert.Equal("512", settings.GetValueOrDefault(PoolArrays));
        Assert.Equal("1", settings.GetValueOrDefault(TierUpDelay));
    }

    [Fact]
    public async Task TheRuntimesProcessorCountOverridesTheAffinityMask()
    {
        var settings = await SettingsOnAsync("0", (ProcessorCount, "8"));

        Assert.Null(settings.GetValueOrDefault(Spinning));
        Assert.Null(settings.GetValueOrDefault(InlineCompletions));
    }

    [Fact]
    public async Task AProcessorCountThatIsNotANumberLeavesTheCountToTheAffinityMask()
    {
        var settings = await SettingsOnAsync("0", (ProcessorCount, "many"));

        Assert.Equal("0", settings.GetValueOrDefault(Spinning));
        Assert.Equal("1", settings.GetValueOrDefault(InlineCompletions));
    }

    [Fact]
    public async Task ASettingAlreadyInTheEnvironmentWins()
    {
        var settings = await SettingsOnAsync("0", (PoolArrays, "64"), (InlineCompletions, "0"));

        Assert.Equal("64", settings.GetValueOrDefault(PoolArrays));
        Assert.Equal("0", settings.GetValueOrDefault(InlineCompletions));
    }

    /// <summary>The runtime settings the script leaves for a process limited to <paramref name="cpus"/>.</summary>
    private static async Task<Dictionary<string, string>> SettingsOnAsync(string cpus, params (string Name, string Value)[] given)
    {
        var start = new ProcessStartInfo("taskset") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", cpus, "sh", "-c", ". scripts/runtime-env.sh && env" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { PoolArrays, TierUpDelay, Spinning, InlineCompletions, ProcessorCount })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in given)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].StartsWith("DOTNET_", StringComparison.Ordinal))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }
}
