using dotenv.net;

namespace RoleplayHub;

/// <summary>
/// A <c>.env</c> file in the working directory (see .env.example) fills in configuration for local runs:
/// <c>scripts/run.sh</c> runs from the repository root. Real environment variables win, and nothing is read in
/// Production (the default environment), so a stray file never changes a deployed service.
/// </summary>
internal static class LocalEnvFile
{
    public static void Load()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? "Production";
        if (environment.Equals("Production", StringComparison.OrdinalIgnoreCase) || !File.Exists(".env"))
        {
            return;
        }

        DotEnv.Load(new DotEnvOptions(envFilePaths: [".env"], overwriteExistingVars: false));
    }
}
