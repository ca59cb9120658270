using System.Diagnostics;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Runs a Node script from Backend.Tests/js and captures its output.</summary>
public static class NodeRunner
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        Repository.RequireJsPackages();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Repository.JsTests,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("node could not be started (Node.js 20+ is required).");
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
            throw new TimeoutException($"node {script} did not finish within {timeout}: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
