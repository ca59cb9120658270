namespace RoleplayHub.Fakes.Realtime;

/// <summary>
/// The fake's voice: a PCM16 tone pattern whose length follows the reply text (<see cref="FakeRealtimeOptions.AudioPerCharacter"/>
/// per character), one rising "syllable" per character, so played-time arithmetic (truncation, heard text) is testable.
/// </summary>
public static class ReplyAudio
{
    public static byte[] For(string text, int sampleRate, TimeSpan perCharacter)
    {
        var samplesPerChar = (int)(sampleRate * perCharacter.TotalSeconds);
        var pcm = new byte[text.Length * samplesPerChar * 2];
        for (var c = 0; c < text.Length; c++)
        {
            var frequency = 180 + (text[c] % 16 * 15);
            for (var i = 0; i < samplesPerChar; i++)
            {
                var envelope = Math.Sin(Math.PI * i / samplesPerChar);
                var sample = (short)(8000 * envelope * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
                var at = ((c * samplesPerChar) + i) * 2;
                pcm[at] = (byte)sample;
                pcm[at + 1] = (byte)(sample >> 8);
            }
        }

        return pcm;
    }

    /// <summary>Milliseconds of reply audio for <paramref name="text"/>.</summary>
    public static double DurationMs(string text, TimeSpan perCharacter) => text.Length * perCharacter.TotalMilliseconds;
}
