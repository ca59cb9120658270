using Microsoft.Playwright;

namespace RoleplayHub.Tests.Security;

/// <summary>Records the Content-Security-Policy violations of every document a page loads (the browser fires
/// <c>securitypolicyviolation</c> for each blocked script, style, connection, worklet…).</summary>
internal static class CspViolations
{
    public static Task RecordAsync(IPage page) => page.AddInitScriptAsync("""
        window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
        """);

    /// <summary>The current document's violations, one line each.</summary>
    public static async Task<string> ReadAsync(IPage page) => string.Join('\n', await page.EvaluateAsync<string[]>("window.cspViolations ?? []"));
}
