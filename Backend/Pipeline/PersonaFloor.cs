using System.Text;
using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>
/// The persona's hold on the conversation: the reply in flight (being written and spoken on its own task, so the
/// session's worker keeps hearing the trainee) and how far the client has played it. Replies run one at a time, in
/// turn order: a new one starts only once the last has finished or been interrupted.
/// <para>Invariant: the persona holds the floor while its reply is being produced or its audio is still playing —
/// by the client's <c>playback-progress</c> when it reports, else by the clock from the first segment sent — and an
/// interruption cuts the reply at the last word the trainee heard begin.</para>
/// </summary>
internal sealed class PersonaFloor(PipelineServices services, PlaybackReport playback)
{
    /// <summary>No reply holds the floor.</summary>
    private const int Released = -1;

    /// <summary>A reply whose turn the first segment sent will tell (a retry).</summary>
    private const int Unknown = -2;

    private readonly Lock _gate = new();

    // A list per reply, not one cleared and refilled: the floor lives as long as the session, and each reply's segments
    // written into its long-lived array marked that array's cards for every young collection to scan until the next
    // gen1 one promoted them (docs/benchmarks.md, "What a young collection scans"). The floor's own fields are written
    // each reply anyway.
    private List<SentSegment> _segments = [];
    private Task _reply = Task.CompletedTask;
    private CancellationTokenSource? _cancel;
    private CancellationToken _cancelLinkedTo;
    private int _turn = Released;
    private long _firstSentAt;
    private int _sentMs;

    /// <summary>The reply of <paramref name="turn"/>, run by <paramref name="answer"/> on its own task once the previous
    /// reply has finished; returns as soon as it has started.</summary>
    public async Task HandOverAsync(int? turn, Func<CancellationToken, Task> answer, CancellationToken stopping)
    {
        await SettleAsync();
        CancellationTokenSource cancel;
        lock (_gate)
        {
            cancel = ReplyCancellation(stopping);
            _turn = turn ?? Unknown;
            _segments = [];
            _sentMs = 0;
        }

        _reply = Task.Run(() => answer(cancel.Token), CancellationToken.None);
    }

    /// <summary>The cancellation of the next reply: the last reply's if that one ran to its end (reset), else a new one
    /// linked to <paramref name="stopping"/>. A source per reply, with its registration on the session's token, lives
    /// as long as the reply, long enough for the collector to promote both; one that ran out uncancelled serves
    /// again. Called with the previous reply settled, so nothing of it is still registered.</summary>
    private CancellationTokenSource ReplyCancellation(CancellationToken stopping)
    {
        if (_cancel is { } last && _cancelLinkedTo == stopping && last.TryReset())
        {
            return last;
        }

        _cancel?.Dispose();
        _cancelLinkedTo = stopping;
        return _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>Waits for the reply in flight to end; an interrupted (cancelled) reply ends quietly, any other failure
    /// is the worker's.</summary>
    public async Task SettleAsync()
    {
        try
        {
            await _reply;
        }
        catch (OperationCanceledException) when (_cancel?.IsCancellationRequested == true)
        {
        }
    }

    /// <summary>A segment of the reply went on the wire.</summary>
    public void SegmentSent(int turn, int segment, string text, int durationMs, IReadOnlyList<WordTiming>? words)
    {
        lock (_gate)
        {
            if (_turn == Unknown)
            {
                _turn = turn;
            }

            if (turn != _turn)
            {
                return;
            }

            if (_segments.Count == 0)
            {
                _firstSentAt = services.Now;
            }

            _segments.Add(new SentSegment(segment, text, _sentMs, durationMs, words));
            _sentMs += durationMs;
        }
    }

    /// <summary>
    /// The trainee cut in: what is being written or synthesised is cancelled, and the reply is cut where the trainee
    /// stopped hearing it. Null when the persona did not hold the floor.
    /// </summary>
    public ReplyCut? Interrupt()
    {
        lock (_gate)
        {
            if (_turn == Released || (_reply.IsCompleted && PlayedMs() >= _sentMs))
            {
                return null;
            }

            _cancel?.Cancel();
            var played = PlayedMs();
            var (heard, unheard) = Split(played);
            var cut = new ReplyCut(_turn, heard, played, _segments.Count == 0 ? 0 : _segments[^1].Segment + 1, unheard, _segments.Count == 0 ? null : _segments[^1].Text);
            _turn = Released; // the floor is the trainee's now
            return cut;
        }
    }

    /// <summary>Milliseconds of the reply's audio the client has played: its last report for this turn carried on by
    /// the clock, or the clock since the first segment was sent; never more than was sent.</summary>
    private int PlayedMs()
    {
        if (_segments.Count == 0)
        {
            return 0;
        }

        var now = services.Now;
        double played;
        if (playback.Latest is { } report && report.Turn == _turn && _segments.FirstOrDefault(s => s.Segment == report.Segment) is { } segment)
        {
            played = segment.OffsetMs + Math.Min(report.PlayedMs, segment.DurationMs) + services.ExactMs(report.Timestamp, now);
        }
        else
        {
            played = services.ExactMs(_firstSentAt, now);
        }

        return (int)Math.Clamp(played, 0, _sentMs);
    }

    /// <summary>The reply's sent text split at <paramref name="playedMs"/>: whole segments, then, in the segment playing,
    /// the words whose start was heard (by the engine's word timings, or evenly over the segment's characters without
    /// them); and the rest.</summary>
    private (string Heard, string Unheard) Split(int playedMs)
    {
        var heard = new StringBuilder();
        var unheard = new StringBuilder();
        foreach (var segment in _segments)
        {
            var into = playedMs - segment.OffsetMs;
            var cut = into <= 0 ? 0
                : into >= segment.DurationMs ? segment.Text.Length
                : segment.Words is { Count: > 0 } words ? EndOfWords(segment.Text, words.Where(w => w.StartMs < into).Select(w => w.Word))
                : WholeWords(segment.Text, segment.Text.Length * into / Math.Max(1, segment.DurationMs));
            Append(heard, segment.Text[..cut]);
            Append(unheard, segment.Text[cut..]);
        }

        return (heard.ToString(), unheard.ToString());

        static void Append(StringBuilder text, string part)
        {
            part = part.Trim();
            if (part.Length > 0)
            {
                text.Append(text.Length > 0 ? " " : "").Append(part);
            }
        }
    }

    /// <summary>Where the last of <paramref name="words"/> ends in <paramref name="text"/>, finding them in order.</summary>
    private static int EndOfWords(string text, IEnumerable<string> words)
    {
        var end = 0;
        foreach (var word in words)
        {
            var at = text.IndexOf(word, end, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                end = at + word.Length;
            }
        }

        return end;
    }

    /// <summary>Where the words of <paramref name="text"/> that start before character <paramref name="chars"/> end
    /// (text without spaces, as Chinese, is cut at that character).</summary>
    private static int WholeWords(string text, int chars)
    {
        if (!text.Contains(' ', StringComparison.Ordinal))
        {
            return Math.Clamp(chars, 0, text.Length);
        }

        var end = 0;
        for (var i = 0; i < Math.Min(chars, text.Length); i++)
        {
            if (text[i] != ' ' && (i == 0 || text[i - 1] == ' '))
            {
                var next = text.IndexOf(' ', i);
                end = next < 0 ? text.Length : next;
            }
        }

        return end;
    }

    private sealed record SentSegment(int Segment, string Text, int OffsetMs, int DurationMs, IReadOnlyList<WordTiming>? Words);
}

/// <summary>Where an interruption cut the persona's reply to <see cref="Turn"/>: the text the trainee heard, how much
/// audio that was, the segment number a resumed reply continues from, the sent text the trainee did not hear, and the
/// last sent segment's text (where the unsent rest of the reply begins).</summary>
internal sealed record ReplyCut(int Turn, string HeardText, int PlayedMs, int NextSegment, string UnheardSentText, string? LastSentText);
