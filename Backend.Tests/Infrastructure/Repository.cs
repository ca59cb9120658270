namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string JsTests => Path.Combine(Root, "Backend.Tests", "js");

    /// <summary>Fails with the fix when the JS test packages are not installed.</summary>
    public static void RequireJsPackages()
    {
        if (!Directory.Exists(Path.Combine(JsTests, "node_modules", "@microsoft", "signalr")))
        {
            throw new InvalidOperationException($"The JS client test packages are not installed in {JsTests}: run scripts/setup.sh test (npm ci there).");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RoleplayHub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RoleplayHub.sln not found above " + AppContext.BaseDirectory);
    }
}
