using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>Audio the fakes' energy VAD hears as speech (a loud tone) or silence, sent in 100 ms chunks faster than real
/// time: the fakes' VAD works on audio time, not wall time.</summary>
internal static class RealtimeAudio
{
    public static byte[] Speech(int ms, int rate)
    {
        var samples = rate * ms / 1000;
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var s = (short)(8000 * Math.Sin(2 * Math.PI * 200 * i / rate));
            pcm[2 * i] = (byte)s;
            pcm[(2 * i) + 1] = (byte)(s >> 8);
        }

        return pcm;
    }

    public static byte[] Silence(int ms, int rate) => new byte[rate * ms / 1000 * 2];

    public static async Task SendAsync(IRealtimeConnection connection, params byte[][] parts)
    {
        var chunk = connection.InputSampleRate / 10 * 2;
        foreach (var pcm in parts)
        {
            for (var at = 0; at < pcm.Length; at += chunk)
            {
                await connection.AppendAudioAsync(pcm.AsMemory(at, Math.Min(chunk, pcm.Length - at)), RealtimeKit.Deadline);
            }
        }
    }

    /// <summary>Silence, a second of speech, then enough silence for a 500 ms VAD to end the turn.</summary>
    public static Task SpeakOneSecondAsync(IRealtimeConnection c) =>
        SendAsync(c, Silence(300, c.InputSampleRate), Speech(1000, c.InputSampleRate), Silence(700, c.InputSampleRate));
}
