using System.Collections.Concurrent;
using RoleplayHub.History;

namespace RoleplayHub.Coaching;

/// <summary>
/// The session journal, with what the coaching report reads of each open session's turns kept in memory
/// (<see cref="DrillTurn"/>): the history writer stores records in the background, so at the end of a session the
/// database may not have its last turn yet, while every turn has been journalled (the session's worker has stopped).
/// A revised turn replaces the earlier one, as in the history. The copy is dropped when the session's end is
/// journalled. With coaching off (<paramref name="keep"/> false) nothing reads the copy, so none is kept: the records
/// only pass through to the journal.
/// </summary>
public sealed class DrillTurnCapture(ISessionJournal inner, bool keep = true) : ISessionJournal
{
    // Room for a drill's turns from the start: a list grown turn by turn leaves each outgrown array behind in an old
    // generation still pointing at young records, which the collector must then keep alive and promote.
    private const int ExpectedTurns = 16;

    private readonly ConcurrentDictionary<Guid, SortedList<int, DrillTurn>> _sessions = new();

    public void SessionStarted(SessionStartRecord record)
    {
        if (keep)
        {
            _sessions.TryAdd(record.HistoryKey, new(ExpectedTurns));
        }

        inner.SessionStarted(record);
    }

    public void TurnCompleted(TurnRecord record)
    {
        if (keep)
        {
            var turns = _sessions.GetOrAdd(record.HistoryKey, static _ => new(ExpectedTurns));
            lock (turns)
            {
                turns[record.Turn] = DrillTurn.Of(record);
            }
        }

        inner.TurnCompleted(record);
    }

    public void SessionEnded(SessionEndRecord record)
    {
        _sessions.TryRemove(record.HistoryKey, out _);
        inner.SessionEnded(record);
    }

    /// <summary>The session's turns so far, in order.</summary>
    public IReadOnlyList<DrillTurn> Turns(Guid historyKey)
    {
        if (!_sessions.TryGetValue(historyKey, out var turns))
        {
            return [];
        }

        lock (turns)
        {
            return [.. turns.Values];
        }
    }
}
