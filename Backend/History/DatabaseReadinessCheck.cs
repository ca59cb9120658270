using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoleplayHub.Health;

namespace RoleplayHub.History;

/// <summary><c>/readyz</c>: the history database is reachable and migrated, and the writer is keeping up.</summary>
internal sealed class DatabaseReadinessCheck(HistoryStore store, HistoryWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problem = await store.CheckAsync(cancellationToken) ?? writer.Failure;
        return Readiness.From(problem is null ? null : $"{problem} ({writer.Queued} history records queued; none are lost, they are written once the database is back)");
    }
}
