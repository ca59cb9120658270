using System.Diagnostics;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>What a tool run by <see cref="ProcessRunner"/> exited with and printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a command-line tool the tests need (node, initdb, pg_ctl) to its end, capturing its output. A tool still
/// running at the timeout is killed with every process it started, so a hung run does not outlive the tests (or keep
/// a half-started server, its port and its folder); the timeout is reported with what it printed so far.
/// </summary>
public static class ProcessRunner
{
    /// <summary>How long a killed tool's output may take to be read to its end (a process outside the tree, such as
    /// a daemon, can still hold the pipe).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    /// <exception cref="System.ComponentModel.Win32Exception"><paramref name="file"/> could not be started.</exception>
    /// <exception cref="TimeoutException">The tool did not finish within <paramref name="timeout"/> and was killed.</exception>
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!; // throws rather than returning null when it cannot start
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"{Path.GetFileName(file)} {string.Join(' ', info.ArgumentList)} did not finish within {timeout} and was killed: {await PrintedAsync(stderr)}{await PrintedAsync(stdout)}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<string> PrintedAsync(Task<string> output) =>
        await Task.WhenAny(output, Task.Delay(OutputGrace)) == output ? await output : "(output still open)";
}
