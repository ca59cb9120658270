using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace RoleplayHub.Database;

/// <summary>
/// Microsoft.Data.Sqlite 10 is compiled against SQLitePCLRaw.core 2.1.13, but the registry copy only has 2.0.6, and
/// the runtime will not bind a lower assembly version on its own. This redirects every request for SQLitePCLRaw.core
/// to the deployed 2.0.6. A sweep of Microsoft.Data.Sqlite and EF Sqlite found one method needing a 2.1-only API,
/// <c>SqliteConnection.LoadExtension</c>: never call it. A module initializer runs before any type of this assembly is
/// used (every SQLite connection here is opened through a context defined in it), so the redirect is in place for the
/// service, the tests and <c>dotnet ef</c> alike. See ../shared/nuget/REPORT.md §2.
/// </summary>
internal static class SqlitePclRawRedirect
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The redirect must be installed before the first SQLite connection, whoever hosts this library.")]
    internal static void Install() =>
        AssemblyLoadContext.Default.Resolving += static (_, name) =>
            name.Name == "SQLitePCLRaw.core" ? typeof(SQLitePCL.raw).Assembly : null;
}
