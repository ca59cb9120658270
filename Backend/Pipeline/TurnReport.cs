using RoleplayHub.Core;
using RoleplayHub.Observability;

namespace RoleplayHub.Pipeline;

/// <summary>The problems of the turn in progress: each is told to the client as it happens, counted, and kept for the
/// turn's journal record until the turn is done. The reply's writer and its speaker report at once, so the list is
/// under a lock.</summary>
internal sealed class TurnReport(ITurnSession session, RoleplayMetrics metrics)
{
    private readonly Lock _gate = new();
    private readonly List<string> _errors = [];

    public int Count
    {
        get { lock (_gate) { return _errors.Count; } }
    }

    /// <summary>A copy, for a journal record.</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_gate) { return [.. _errors]; } }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _errors.Clear();
        }
    }

    /// <summary>Keeps a problem already told to the client (while the utterance was heard) for this turn's record.</summary>
    public void Record(string error)
    {
        lock (_gate)
        {
            _errors.Add(error);
        }
    }

    public Task ReportAsync(ClientError error)
    {
        lock (_gate)
        {
            _errors.Add($"{error.Code}: {error.Message}");
        }

        metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        return session.EmitAsync(new TurnError(error));
    }
}
