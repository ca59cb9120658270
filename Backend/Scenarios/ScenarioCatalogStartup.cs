namespace RoleplayHub.Scenarios;

/// <summary>
/// Loads the catalog as the host starts, so an invalid scenario file stops the service with the catalog's message
/// (the file and the problem). Left to its first use, the catalog would be built by the first request that needs it,
/// after the service reported itself healthy, and every hub connection and scenario call would then fail.
/// </summary>
/// <remarks>Taken as a constructor argument: hosted services are all built before the first one starts, so the catalog
/// throws before the server listens.</remarks>
internal sealed class ScenarioCatalogStartup(ScenarioCatalog catalog) : IHostedService
{
    public int Scenarios { get; } = catalog.All.Count;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
