using System.Buffers.Binary;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>Reads the PCM16 out of a WAV file (GLM's input form): RIFF/WAVE, <c>fmt </c> with format 1 and 16 bits, <c>data</c>.</summary>
internal static class FakeWav
{
    public static (int SampleRate, Memory<byte> Pcm)? Parse(byte[] file)
    {
        if (file.Length < 12 || file.AsSpan(0, 4).SequenceEqual("RIFF"u8) is false || file.AsSpan(8, 4).SequenceEqual("WAVE"u8) is false)
        {
            return null;
        }

        int? rate = null;
        for (var at = 12; at + 8 <= file.Length;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4));
            var id = file.AsSpan(at, 4);
            if (id.SequenceEqual("fmt "u8))
            {
                var format = BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(at + 8));
                var bits = BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(at + 22));
                if (format != 1 || bits != 16)
                {
                    return null;
                }

                rate = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 12));
            }
            else if (id.SequenceEqual("data"u8) && rate is { } r)
            {
                return (r, file.AsMemory(at + 8, Math.Min(size, file.Length - at - 8)));
            }

            at += 8 + size + (size & 1);
        }

        return null;
    }
}
