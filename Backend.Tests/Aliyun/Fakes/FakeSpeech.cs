using System.Buffers.Binary;
using System.Text;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>
/// How the fake NLS "hears": test audio is text spelled as 16 kHz PCM16, one 100 ms frame per character — a marker
/// sample (0x7000), the UTF-16 code unit, then a square tone so the frame is loud like speech — with a second of
/// silence after each sentence's closing punctuation. The fake decodes frames back into characters, so recognition
/// is deterministic, and its sentence splitting is driven by real silence in the audio, as NLS's is. Loud frames
/// without the marker (a real recording) are heard as <see cref="FakeNlsGateway.UnknownSpeechText"/>.
/// </summary>
public static class FakeSpeech
{
    public const int SampleRate = 16_000;
    public const int FrameSamples = 1_600; // 100 ms
    public const int FrameMs = 100;
    private const short Marker = 0x7000;
    private const string SentenceEnds = "。！？.!?";

    /// <summary>Text as audio: 300 ms of lead-in silence, then the characters, sentence by sentence.</summary>
    public static byte[] Encode(string text, int silenceAfterSentenceMs = 1_000)
    {
        var samples = new List<short>();
        AddSilence(samples, 300);
        for (var i = 0; i < text.Length; i++)
        {
            var frame = new short[FrameSamples];
            frame[0] = Marker;
            frame[1] = unchecked((short)text[i]);
            for (var s = 2; s < FrameSamples; s++)
            {
                frame[s] = (short)((s / 20) % 2 == 0 ? 8_000 : -8_000);
            }

            samples.AddRange(frame);
            if (SentenceEnds.Contains(text[i], StringComparison.Ordinal) && i + 1 < text.Length)
            {
                AddSilence(samples, silenceAfterSentenceMs);
            }
        }

        AddSilence(samples, 200);
        var bytes = new byte[samples.Count * 2];
        for (var i = 0; i < samples.Count; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    private static void AddSilence(List<short> samples, int ms) => samples.AddRange(new short[SampleRate / 1000 * ms]);

    /// <summary>One frame heard: silence (null), a character, or speech that carries no marker ('\0').</summary>
    public static char? Hear(ReadOnlySpan<byte> frame)
    {
        var count = frame.Length / 2;
        if (count < 2)
        {
            return null;
        }

        var first = BinaryPrimitives.ReadInt16LittleEndian(frame);
        if (first == Marker)
        {
            return (char)(ushort)BinaryPrimitives.ReadInt16LittleEndian(frame[2..]);
        }

        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            double s = BinaryPrimitives.ReadInt16LittleEndian(frame[(2 * i)..]);
            sum += s * s;
        }

        return Math.Sqrt(sum / count) > 300 ? '\0' : null;
    }

    /// <summary>The whole transcript of a recording, as the REST one-sentence API returns it.</summary>
    public static string Transcribe(ReadOnlySpan<byte> pcm, string unknownSpeech)
    {
        var text = new StringBuilder();
        var unknown = false;
        for (var offset = 0; offset < pcm.Length; offset += FrameSamples * 2)
        {
            var heard = Hear(pcm[offset..Math.Min(pcm.Length, offset + (FrameSamples * 2))]);
            if (heard is '\0')
            {
                unknown = true;
            }
            else if (heard is { } c)
            {
                text.Append(c);
            }
        }

        return text.Length == 0 && unknown ? unknownSpeech : text.ToString();
    }
}
