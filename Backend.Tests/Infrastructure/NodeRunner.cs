using System.ComponentModel;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Runs a Node script from Backend.Tests/js and captures its output.</summary>
public static class NodeRunner
{
    public static async Task<ProcessResult> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        Repository.RequireJsPackages();
        try
        {
            return await ProcessRunner.RunAsync("node", [script, .. arguments], Repository.JsTests, timeout);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("node could not be started (Node.js 20+ is required).", ex);
        }
    }
}
