using System.Buffers;
using System.Globalization;
using System.Text;
using RoleplayHub.History;

namespace RoleplayHub.Pipeline.Realtime;

/// <summary>
/// One reply of a realtime model as it streams in: its audio gathered into segments the client can start playing at
/// once, and its transcript. Invariant: audio is released only in whole segments, and a little of it is always held
/// back until the reply is done, so the segment that ends the reply is known to be the last one when it is sent.
/// </summary>
internal sealed class RealtimeReply(int turn, ReplyClock clock, int sampleRate, TimeSpan deltaInterval, TimeProvider time) : IDisposable
{
    /// <summary>The first segment leaves early, so playback starts soon; later ones are longer, so the client fetches
    /// fewer files.</summary>
    public const int FirstSegmentMs = 200;

    public const int SegmentMs = 1_500;

    /// <summary>Held back from every segment but the last.</summary>
    private const int HoldBackMs = 40;

    private readonly ArrayBufferWriter<byte> _audio = new(sampleRate * 2);
    private readonly StringBuilder _transcript = new();
    private int _transcriptSent; // characters of the transcript already given to a segment
    private ReplyDeltas? _deltas;

    public int Turn { get; } = turn;

    public ReplyClock Clock { get; } = clock;

    public int SampleRate { get; } = sampleRate;

    /// <summary>Completed when the reply is done or cut off (the persona's floor waits on it).</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<AvatarSegmentRecord> Segments { get; } = [];

    public bool Interrupted { get; set; }

    public string Transcript => _transcript.ToString();

    /// <summary>The transcript as it goes out in <c>ai-response-delta</c>s.</summary>
    public ReplyDeltas Deltas => _deltas ??= new(Turn, _transcript, deltaInterval, time);

    public void AddAudio(ReadOnlySpan<byte> pcm16) => _audio.Write(pcm16);

    public void AddText(string text) => _transcript.Append(text);

    /// <summary>The next segment's audio (its length a whole number of samples) when enough has gathered, or all of it
    /// when <paramref name="last"/>; empty otherwise. The caller stores it and then calls <see cref="Released"/>.</summary>
    public ReadOnlyMemory<byte> NextSegment(bool last)
    {
        var bufferedMs = _audio.WrittenCount * 500L / SampleRate;
        var wanted = Segments.Count == 0 ? FirstSegmentMs : SegmentMs;
        if (last)
        {
            return _audio.WrittenMemory;
        }

        if (bufferedMs < wanted + HoldBackMs)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var bytes = (int)((bufferedMs - HoldBackMs) * SampleRate / 500) & ~1;
        return _audio.WrittenMemory[..bytes];
    }

    /// <summary>The transcript not yet given to a segment (all of it for the last), now given.</summary>
    public string TakeText(bool last, string? finalTranscript)
    {
        if (last && finalTranscript is { Length: > 0 } final && final.Length > _transcript.Length)
        {
            _transcript.Clear().Append(final);
        }

        var text = _transcript.ToString(_transcriptSent, _transcript.Length - _transcriptSent);
        if (!last)
        {
            text = text[..CompleteWordsEnd(text)]; // a word still being written goes with the next segment
        }

        _transcriptSent += text.Length;
        return text.Trim();
    }

    /// <summary>Where the complete words of <paramref name="text"/> end. Transcript deltas are tokens, which split words
    /// ("Deliv", "ery"), so a trailing word of a script written with spaces may be unfinished; scripts written without
    /// them (Chinese, Japanese, Thai: <see cref="UnicodeCategory.OtherLetter"/>) can be cut anywhere.</summary>
    private static int CompleteWordsEnd(string text)
    {
        var end = text.Length;
        while (end > 0 && !char.IsWhiteSpace(text[end - 1]) && char.GetUnicodeCategory(text[end - 1]) != UnicodeCategory.OtherLetter)
        {
            end--;
        }

        return end;
    }

    /// <summary>The first <paramref name="bytes"/> of the gathered audio went out as a segment.</summary>
    public void Released(int bytes)
    {
        var rest = _audio.WrittenSpan[bytes..].ToArray();
        _audio.Clear();
        _audio.Write(rest);
    }

    public void Dispose() => Done.TrySetResult();
}
