using RoleplayHub.Audio;

namespace RoleplayHub.Providers.Realtime.Wire;

/// <summary>
/// GLM takes each audio chunk as a whole WAV file, written into the caller's pooled buffer with
/// <see cref="WavFile.WriteHeader"/>: this runs for every chunk.
/// </summary>
internal static class WavChunk
{
    /// <summary>Writes the header and <paramref name="pcm16"/> into <paramref name="destination"/>; returns the file's length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> pcm16, int sampleRate)
    {
        WavFile.WriteHeader(destination, pcm16.Length, sampleRate);
        pcm16.CopyTo(destination[WavFile.HeaderSize..]);
        return WavFile.HeaderSize + pcm16.Length;
    }
}
