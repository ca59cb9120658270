using System.Text.Json.Serialization;

namespace RoleplayHub.History;

/// <summary>
/// One journal record on its way to the database, tagged with the history key of its session. It is also the line
/// format of the pending files (JSON), so a record survives an outage or a restart exactly as the pipeline gave it.
/// </summary>
internal sealed record JournalEntry(Guid Key, string Node, SessionStartRecord? Start = null, TurnRecord? Turn = null, SessionEndRecord? End = null)
{
    /// <summary>Not a record: queued after a record went to a pending file, so an idle writer wakes up to write it.</summary>
    public static readonly JournalEntry WakeUp = new(Guid.Empty, "");

    /// <summary>Writes of one session depend only on its start being written first: sorting a set of records by this
    /// (start, turn, end) makes any set writable in one pass, whatever order it was saved in.</summary>
    [JsonIgnore]
    public int Order => Start is not null ? 0 : Turn is not null ? 1 : 2;

    /// <summary>The write-ahead log segment holding this record while it is on its way (<see cref="JournalLog"/>).</summary>
    [JsonIgnore]
    public JournalLog.Segment? Segment { get; init; }

    [JsonIgnore]
    public string SessionId => Start?.SessionId ?? Turn?.SessionId ?? End?.SessionId ?? "";

    public override string ToString() => Start is not null ? $"start of {SessionId}" : Turn is not null ? $"turn {Turn.Turn} of {SessionId}" : $"end of {SessionId}";
}
