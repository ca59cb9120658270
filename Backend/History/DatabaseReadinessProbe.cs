using Microsoft.Extensions.Options;
using RoleplayHub.Health;

namespace RoleplayHub.History;

/// <summary><c>/readyz</c>: the history database is reachable and migrated, and the writer is keeping up.</summary>
internal sealed class DatabaseReadinessProbe(HistoryStore store, HistoryWriter writer, IOptions<DatabaseOptions> options) : IReadinessProbe
{
    public string Name => "database:" + options.Value.Provider;

    public async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var problem = await store.CheckAsync(cancellationToken) ?? writer.Failure;
        return problem is null ? null : $"{problem} ({writer.Queued} history records queued; none are lost, they are written once the database is back)";
    }
}
