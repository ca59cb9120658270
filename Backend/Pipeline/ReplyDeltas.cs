using System.Text;

namespace RoleplayHub.Pipeline;

/// <summary>
/// A reply's text as it goes out in <c>ai-response-delta</c> events, gathered so a model that writes token by token
/// (or the scripted engine, which writes a reply's words all at once) does not cost a message per token. The first
/// text goes out at once; what the model writes within <c>Ai:DeltaInterval</c> of the last event waits for the next
/// text after it, the end of a sentence (<see cref="Flush"/>) or the end of the reply. Invariant: the events' texts,
/// concatenated in index order, are the reply's text up to what was sent, and indexes count the events from 0.
/// </summary>
/// <remarks>No timer: text held back waits only while the model pauses in the middle of a sentence, and it is at most
/// one interval's writing. A timer per reply would cost more than the messages it saves.</remarks>
internal sealed class ReplyDeltas(int turn, StringBuilder text, TimeSpan interval, TimeProvider time)
{
    private int _sent; // characters of the text already in an event
    private int _events;
    private long _lastEventAt;

    /// <summary>The text has grown: the event to send now, or null while it is held back.</summary>
    public TurnReplyDelta? Grown()
    {
        if (_events > 0 && interval > TimeSpan.Zero && time.GetElapsedTime(_lastEventAt) < interval)
        {
            return null;
        }

        return Flush();
    }

    /// <summary>Whatever is held back, as an event now (a sentence or the reply ended); null when nothing is.</summary>
    public TurnReplyDelta? Flush()
    {
        if (text.Length <= _sent) // nothing new (or the text was replaced by a final one, which has its own event)
        {
            return null;
        }

        var delta = new TurnReplyDelta(turn, _events++, text.ToString(_sent, text.Length - _sent));
        _sent = text.Length;
        _lastEventAt = time.GetTimestamp();
        return delta;
    }
}

internal static class ReplyDeltaEmission
{
    /// <summary>Sends <paramref name="delta"/> when there is one (<see cref="ReplyDeltas"/> holds text back).</summary>
    public static Task EmitDeltaAsync(this ITurnSession session, TurnReplyDelta? delta) =>
        delta is null ? Task.CompletedTask : session.EmitPartialAsync(delta);
}
