using System.Diagnostics.Metrics;
using RoleplayHub.Observability;

namespace RoleplayHub.History;

/// <summary>The history writer's instruments, on the service's <c>RoleplayHub</c> meter.</summary>
internal sealed class HistoryMetrics
{
    private readonly Meter _meter;

    public HistoryMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(RoleplayMetrics.MeterName);
        Written = _meter.CreateCounter<long>("roleplay.history.written", description: "Journal records written to the database");
        Spilled = _meter.CreateCounter<long>("roleplay.history.spilled", description: "Journal records saved to a pending file (queue full or stopping)");
        Rejected = _meter.CreateCounter<long>("roleplay.history.rejected", description: "Journal records the database refused (kept in rejected.jsonl)");
        Lost = _meter.CreateCounter<long>("roleplay.history.lost", description: "Journal records neither written nor saved (only logged): should stay 0");
    }

    public Counter<long> Written { get; }

    public Counter<long> Spilled { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Lost { get; }

    public void ObserveQueue(Func<int> read) =>
        _meter.CreateObservableGauge("roleplay.history.queued", read, description: "Journal records waiting to be written");
}
