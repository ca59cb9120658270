using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>The tests' helper for command-line tools (node, initdb, pg_ctl): what a tool printed and exited with, and
/// a hung tool killed at the timeout together with what it started.</summary>
public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task ItReturnsTheExitCodeAndBothOutputs()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "echo out; echo err >&2; exit 3"], Path.GetTempPath(), TimeSpan.FromSeconds(30));

        Assert.Equal(new ProcessResult(3, "out\n", "err\n"), result);
    }

    [Fact]
    public async Task AToolStillRunningAtTheTimeoutIsKilledWithTheProcessesItStarted()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"process-runner-{Guid.NewGuid():N}.pid");
        try
        {
            var failure = await Assert.ThrowsAsync<TimeoutException>(() => ProcessRunner.RunAsync(
                "sh", ["-c", $"sleep 60 & echo $! > {pidFile}; echo started; wait"], Path.GetTempPath(), TimeSpan.FromSeconds(2)));
            var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);

            Assert.Contains("started", failure.Message, StringComparison.Ordinal);
            Assert.True(await EndsAsync(child), $"the tool's child {child} is still running");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    /// <summary>Whether <paramref name="pid"/> is gone (or a zombie: killed, and reaped only if the container's init
    /// reaps) within a few seconds — SIGKILL is delivered asynchronously.</summary>
    private static async Task<bool> EndsAsync(int pid)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return true;
            }

            if (stat[stat.LastIndexOf(')') + 2] == 'Z')
            {
                return true;
            }
        }

        return false;
    }
}
