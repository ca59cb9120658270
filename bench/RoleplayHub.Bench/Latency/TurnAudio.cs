using System.Runtime.InteropServices;
using System.Text;
using RoleplayHub.Bench.Vad;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Bench.Latency;

/// <summary>
/// What a trainee streams for one turn: a little noise, a recording, then noise while the persona answers — the whole
/// under white noise, as a microphone in a quiet room hears it, cut into chunks of <see cref="ChunkMs"/> (base64
/// computed once).
/// </summary>
/// <param name="Name">The recording's name.</param>
/// <param name="SpeechStartMs">Where the recording's first word begins (its forced alignment), from the first chunk.</param>
/// <param name="SpeechEndMs">Where the recording's last word ends, from the first chunk.</param>
/// <param name="ChunkMs">The length of every chunk: what the session's <c>audioConfig.chunkMs</c> asks for.</param>
/// <param name="Chunks">The audio, base64, a chunk each.</param>
internal sealed record TurnAudio(string Name, int SpeechStartMs, int SpeechEndMs, int ChunkMs, IReadOnlyList<string> Chunks)
{
    private const int SamplesPerMs = VadAudio.SamplesPerSecond / 1000;

    /// <summary>Before the recording: the energy detector's noise floor settles on the first quieter window, and a
    /// session's first turn then starts like every other, after noise.</summary>
    private static readonly TimeSpan LeadIn = TimeSpan.FromMilliseconds(500);

    public int DurationMs => Chunks.Count * ChunkMs;

    /// <summary>The clip between <see cref="LeadIn"/> and at least <paramref name="gap"/> of noise, rounded up to whole
    /// chunks so that every turn starts on the chunk grid.</summary>
    public static TurnAudio From(AlignedClip clip, TimeSpan gap, double noiseDbfs, int chunkMs)
    {
        var leadSamples = (int)LeadIn.TotalMilliseconds * SamplesPerMs;
        var chunk = chunkMs * SamplesPerMs;
        var least = leadSamples + clip.Samples.Length + ((int)gap.TotalMilliseconds * SamplesPerMs);
        var samples = new short[(least + chunk - 1) / chunk * chunk];
        clip.Samples.CopyTo(samples, leadSamples);
        var heard = VadAudio.Mix(samples, VadAudio.WhiteNoise(samples.Length, noiseDbfs, seed: clip.Name.Length));
        var chunks = new List<string>();
        for (var offset = 0; offset < heard.Length; offset += chunk)
        {
            chunks.Add(Convert.ToBase64String(MemoryMarshal.AsBytes(heard.AsSpan(offset, chunk))));
        }

        var lead = (int)LeadIn.TotalMilliseconds;
        return new TurnAudio(clip.Name, lead + clip.FirstWordMs, lead + clip.LastWordEndMs, chunkMs, chunks);
    }

    /// <summary>The audio-chunk invocation for chunk <paramref name="index"/> at byte <paramref name="offset"/> of the
    /// session's stream (base64 never needs JSON escaping).</summary>
    public byte[] ChunkRecord(int index, string invocationId, string sessionId, long offset) => Encoding.UTF8.GetBytes(
        $"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"audio-chunk\",\"arguments\":[{{\"sessionId\":\"{sessionId}\",\"offset\":{offset},\"audioData\":\"{Chunks[index]}\"}}]}}\u001e");
}
