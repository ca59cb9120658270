using System.Buffers.Binary;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// Real recordings from Debian's <c>pocketsphinx-testdata</c> (16 kHz mono WAV) and helpers to re-encode them the way
/// browsers send audio. scripts/test.sh installs the package; without it these helpers fail with a message saying so.
/// </summary>
public static class TestAudio
{
    public const string Folder = "/usr/share/pocketsphinx/test/data";

    /// <summary>"he was not an ill disposed young man" (2.99 s).</summary>
    public static readonly Clip IllDisposed = new("librivox/sense_and_sensibility_01_austen_64kb-0880.wav", "he was not an ill disposed young man");

    /// <summary>"he might even have been made amiable himself" (3.29 s).</summary>
    public static readonly Clip Amiable = new("librivox/sense_and_sensibility_01_austen_64kb-0930.wav", "he might even have been made amiable himself");

    /// <summary>"go forward ten meters" (2.79 s, raw PCM).</summary>
    public static readonly Clip GoForward = new("goforward.raw", "go forward ten meters");

    public sealed record Clip(string RelativePath, string Reference)
    {
        public string Path => System.IO.Path.Combine(Folder, RelativePath);

        /// <summary>The clip as 16 kHz mono PCM16 samples.</summary>
        public short[] Samples()
        {
            if (!File.Exists(Path))
            {
                throw new FileNotFoundException($"Test recording {Path} is missing: run scripts/setup.sh test (apt package pocketsphinx-testdata).");
            }

            var bytes = File.ReadAllBytes(Path);
            var data = Path.EndsWith(".wav", StringComparison.Ordinal) ? bytes.AsSpan(44) : bytes.AsSpan();
            var samples = new short[data.Length / 2];
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
            }

            return samples;
        }

        public byte[] Pcm16() => ToBytes(Samples());
    }

    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    /// <summary>Splits a stream into chunks of <paramref name="chunkBytes"/> (the last may be shorter).</summary>
    public static IEnumerable<(long Offset, byte[] Bytes)> Chunks(byte[] stream, int chunkBytes)
    {
        for (var offset = 0; offset < stream.Length; offset += chunkBytes)
        {
            yield return (offset, stream.AsSpan(offset, Math.Min(chunkBytes, stream.Length - offset)).ToArray());
        }
    }

    /// <summary>Word error rate of a hypothesis against a reference (see <see cref="WordErrors"/>).</summary>
    public static double WordErrorRate(string reference, string hypothesis) => WordErrors.Rate(reference, hypothesis);
}
