namespace RoleplayHub.Pipeline;

/// <summary>
/// What the client last said it had played of the persona's reply (<c>playback-progress</c>): turn, segment and
/// milliseconds into that segment, and when it said so. Written by the hub's caller, read by the session's worker:
/// the four values travel as one immutable snapshot, swapped atomically.
/// </summary>
public sealed class PlaybackReport
{
    private Snapshot? _latest;

    public Snapshot? Latest => Volatile.Read(ref _latest);

    public void Report(int turn, int segment, int playedMs, long timestamp) =>
        Volatile.Write(ref _latest, new Snapshot(turn, segment, playedMs, timestamp));

    /// <summary>One report; <c>Timestamp</c> is when it arrived (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public sealed record Snapshot(int Turn, int Segment, int PlayedMs, long Timestamp);
}
