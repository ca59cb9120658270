namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string JsTests => Path.Combine(Root, "Backend.Tests", "js");

    /// <summary>Fails with the fix when any package of Backend.Tests/js/package.json is not installed.</summary>
    public static void RequireJsPackages()
    {
        using var package = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(JsTests, "package.json")));
        var missing = package.RootElement.GetProperty("dependencies").EnumerateObject()
            .Select(d => d.Name)
            .Where(name => !Directory.Exists(Path.Combine(JsTests, "node_modules", name)))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The JS test packages {string.Join(", ", missing)} are not installed in {JsTests}: run scripts/setup.sh test (npm ci there).");
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
