using System.Text;
using System.Text.Json.Nodes;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>
/// The sentence logic of one fake <c>SpeechTranscriber</c> task: audio in (any framing), events out —
/// <c>SentenceBegin</c> at the first speech, <c>TranscriptionResultChanged</c> every 200 ms of speech (when
/// intermediate results are on), <c>SentenceEnd</c> after <c>max_sentence_silence</c> of silence or at Stop, with
/// <c>index</c> from 1, <c>time</c>/<c>begin_time</c> in ms of audio consumed, <c>confidence</c> and <c>words</c>.
/// </summary>
internal sealed class FakeTranscriber(int maxSentenceSilenceMs, bool intermediate, bool words, string unknownSpeech)
{
    private readonly List<byte> _pending = [];
    private readonly StringBuilder _sentence = new();
    private readonly List<JsonObject> _words = [];
    private int _consumedMs;
    private int _index;
    private bool _inSentence;
    private bool _unknown;
    private int _beginMs;
    private int _silenceMs;
    private int _speechFrames;

    public int ConsumedMs => _consumedMs;

    /// <summary>Feeds audio; returns (event name, payload) pairs in order.</summary>
    public List<(string Name, JsonObject Payload)> Accept(ReadOnlySpan<byte> audio)
    {
        var events = new List<(string, JsonObject)>();
        _pending.AddRange(audio.ToArray());
        const int frameBytes = FakeSpeech.FrameSamples * 2;
        while (_pending.Count >= frameBytes)
        {
            Frame(_pending.GetRange(0, frameBytes).ToArray(), events);
            _pending.RemoveRange(0, frameBytes);
        }

        return events;
    }

    /// <summary>Stop: the remaining audio is processed and an open sentence ends.</summary>
    public List<(string Name, JsonObject Payload)> Flush()
    {
        var events = new List<(string, JsonObject)>();
        if (_pending.Count >= 4)
        {
            Frame([.. _pending], events);
        }

        _pending.Clear();
        if (_inSentence)
        {
            End(events);
        }

        return events;
    }

    private void Frame(byte[] frame, List<(string, JsonObject)> events)
    {
        var heard = FakeSpeech.Hear(frame);
        var start = _consumedMs;
        _consumedMs += frame.Length / 2 * 1000 / FakeSpeech.SampleRate;
        if (heard is null)
        {
            if (_inSentence && (_silenceMs += _consumedMs - start) >= maxSentenceSilenceMs)
            {
                End(events);
            }

            return;
        }

        _silenceMs = 0;
        if (!_inSentence)
        {
            _inSentence = true;
            _index++;
            _beginMs = start;
            _sentence.Clear();
            _words.Clear();
            _unknown = false;
            _speechFrames = 0;
            events.Add(("SentenceBegin", new JsonObject { ["index"] = _index, ["time"] = start }));
        }

        if (heard is '\0')
        {
            _unknown = true;
        }
        else
        {
            var c = heard.Value;
            if (c == ' ' || _words.Count == 0 || IsCjk(c) || IsCjk(_sentence[^1]) || char.IsPunctuation(c))
            {
                if (c != ' ')
                {
                    _words.Add(new JsonObject { ["text"] = c.ToString(), ["startTime"] = start, ["endTime"] = _consumedMs });
                }
            }
            else
            {
                _words[^1]["text"] = _words[^1]["text"]!.GetValue<string>() + c;
                _words[^1]["endTime"] = _consumedMs;
            }

            _sentence.Append(c);
        }

        if (intermediate && ++_speechFrames % 2 == 0)
        {
            events.Add(("TranscriptionResultChanged", new JsonObject
            {
                ["index"] = _index, ["time"] = _consumedMs, ["result"] = Text(), ["confidence"] = 0.8, ["words"] = new JsonArray(),
            }));
        }
    }

    private void End(List<(string, JsonObject)> events)
    {
        var payload = new JsonObject
        {
            ["index"] = _index, ["time"] = _consumedMs, ["begin_time"] = _beginMs, ["result"] = Text(), ["confidence"] = 0.93, ["status"] = 0,
        };
        if (words)
        {
            payload["words"] = new JsonArray([.. _words.Where(w => !char.IsPunctuation(w["text"]!.GetValue<string>()[0])).Select(w => (JsonNode)w.DeepClone())]);
        }

        events.Add(("SentenceEnd", payload));
        _inSentence = false;
        _silenceMs = 0;
    }

    private string Text() => _sentence.Length == 0 && _unknown ? unknownSpeech : _sentence.ToString().Trim();

    private static bool IsCjk(char c) => c is >= '\u3000' and <= '\u9FFF' or >= '\uFF00' and <= '\uFFEF';
}
