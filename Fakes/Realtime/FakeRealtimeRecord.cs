using System.Collections.Concurrent;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>What one connection to a fake sent, for the tests' assertions. Written by the fake, read by the test.</summary>
public sealed class FakeRealtimeRecord
{
    private double _audioMs;

    /// <summary>The <c>model</c> query parameter (Gemini: <c>setup.model</c>).</summary>
    public string? Model { get; internal set; }

    /// <summary>The last <c>session.update.session</c> (Gemini: <c>setup</c>) as JSON.</summary>
    public string? SessionConfig { get; internal set; }

    /// <summary>The input sample rate the fake decodes the audio at (from the session or, for GLM, each WAV header).</summary>
    public int InputSampleRate { get; internal set; }

    /// <summary>Total user audio received, in milliseconds at <see cref="InputSampleRate"/>.</summary>
    public double AudioMs => Volatile.Read(ref _audioMs);

    public ConcurrentQueue<string> ClientEvents { get; } = new();

    /// <summary>History items created (<c>role: text</c>), in order.</summary>
    public ConcurrentQueue<string> History { get; } = new();

    public ConcurrentQueue<int> Truncations { get; } = new();

    public int Cancels;

    public int Commits;

    public bool Finished { get; internal set; }

    /// <summary>Gemini: the resumption handle this connection resumed from.</summary>
    public string? ResumedFrom { get; internal set; }

    /// <summary>GLM: every append was a well-formed WAV file.</summary>
    public int WavChunks;

    internal void AddAudio(double ms)
    {
        double seen, next;
        do
        {
            seen = Volatile.Read(ref _audioMs);
            next = seen + ms;
        }
        while (Interlocked.CompareExchange(ref _audioMs, next, seen) != seen);
    }
}
