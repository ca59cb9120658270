using Microsoft.Extensions.Options;

namespace RoleplayHub.Sessions;

/// <summary>Session limits, the audio buffer's flush rules and the timeouts. Bound from the <c>Sessions</c> section.</summary>
public sealed class RoleplaySessionOptions
{
    public const string Section = "Sessions";

    /// <summary>A size flush happens when this much audio is buffered, counted as 16 kHz mono PCM16 bytes
    /// (32768 B = 1.024 s) and scaled to the session's own format, so every format flushes at the same duration.</summary>
    public int FlushBytes { get; set; } = 32_768;

    /// <summary>With server voice detection, audio reaches the detector after this much is buffered: the size flush of
    /// <c>server-vad</c> sessions, so a stop is heard within this of the chunk that carried it. Such sessions are also
    /// told to send chunks this long (<c>audioConfig.chunkMs</c>): the stop waits for the chunk after it.</summary>
    public TimeSpan ServerVadFlush { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>No new audio for this long ends the user's turn (the idle flush).</summary>
    public TimeSpan FlushIdle { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A session with no activity for this long ends with <c>idle-timeout</c>.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often idle sessions are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After a disconnect the session waits this long for the client to resume it.</summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>On shutdown, queued turns get this long to finish before sessions end with <c>shutdown</c>.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After the drain the stop closes the connections whose sessions it ended, politely (their last
    /// <c>session-ended</c> first), and waits at most this long for them to close before SignalR closes what is left
    /// without flushing. <c>0</c>: no polite close.</summary>
    public TimeSpan ShutdownLinger { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Ended sessions are remembered this long, so late calls get <c>session-ended</c> rather than not-found.</summary>
    public TimeSpan EndedSessionMemory { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After an admin's kick, the user can neither connect nor start or resume a session for this long.</summary>
    public TimeSpan KickBlock { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An utterance longer than this is ended as if the client had committed it.</summary>
    public TimeSpan MaxUtterance { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Recommended chunk duration, announced in <c>audioConfig.chunkMs</c>.</summary>
    public int ChunkMs { get; set; } = 250;

    /// <summary>Largest decoded audio chunk accepted (bytes). The hub's message size limit is derived from it.</summary>
    public int MaxChunkBytes { get; set; } = 65_536;

    /// <summary>Audio chunks (and commits) a connection may send per second on average…</summary>
    public double ChunksPerSecond { get; set; } = 20;

    /// <summary>…and in a burst, e.g. when a reconnecting client resends what was not acknowledged.</summary>
    public int ChunkBurst { get; set; } = 40;

    public int MaxSessionsPerUser { get; set; } = 3;

    public int MaxSessions { get; set; } = 5_000;

    /// <summary>New sessions are refused (<c>server-busy</c>, retryable) while this node uses at least this share of the
    /// CPUs it may use (its affinity, or its cgroup's quota when smaller), averaged over <see cref="AdmissionWindow"/>
    /// (<see cref="NodeAdmission"/>). Resumes are always taken. Zero turns the refusal off; the load is still measured
    /// and reported.</summary>
    public double AdmissionCpu { get; set; } = 0.8;

    /// <summary>The span <see cref="AdmissionCpu"/> is averaged over, and the node's wait for a CPU it reports.</summary>
    public TimeSpan AdmissionWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Audio accepted but not yet processed, per session, in seconds; beyond it chunks are refused
    /// (<c>audio-backpressure</c>, not acknowledged) until the pipeline catches up.</summary>
    public TimeSpan MaxQueuedAudio { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The persona speaks the scenario's opening line when a session starts (turn 0).</summary>
    public bool SpeakOpeningLine { get; set; } = true;

    /// <summary>The last this-many pipeline events of a session are kept and replayed when a client resumes it.</summary>
    public int ReplayEvents { get; set; } = 32;
}

public sealed class ValidateRoleplaySessionOptions : IValidateOptions<RoleplaySessionOptions>
{
    public ValidateOptionsResult Validate(string? name, RoleplaySessionOptions o)
    {
        var errors = new List<string>();
        Positive(errors, o.FlushBytes, nameof(o.FlushBytes));
        Positive(errors, o.FlushIdle, nameof(o.FlushIdle));
        Positive(errors, o.ServerVadFlush, nameof(o.ServerVadFlush));
        Positive(errors, o.IdleTimeout, nameof(o.IdleTimeout));
        Positive(errors, o.SweepInterval, nameof(o.SweepInterval));
        Positive(errors, o.MaxUtterance, nameof(o.MaxUtterance));
        Positive(errors, o.MaxQueuedAudio, nameof(o.MaxQueuedAudio));
        Positive(errors, o.ChunkMs, nameof(o.ChunkMs));
        Positive(errors, o.MaxSessionsPerUser, nameof(o.MaxSessionsPerUser));
        Positive(errors, o.MaxSessions, nameof(o.MaxSessions));
        Positive(errors, o.ChunkBurst, nameof(o.ChunkBurst));
        if (o.ReconnectGrace < TimeSpan.Zero || o.DrainTimeout < TimeSpan.Zero || o.EndedSessionMemory < TimeSpan.Zero || o.ShutdownLinger < TimeSpan.Zero || o.KickBlock < TimeSpan.Zero)
        {
            errors.Add("Sessions:ReconnectGrace, DrainTimeout, EndedSessionMemory, ShutdownLinger and KickBlock must not be negative.");
        }

        if (o.ChunksPerSecond <= 0)
        {
            errors.Add("Sessions:ChunksPerSecond must be positive.");
        }

        if (o.MaxChunkBytes is < 1_024 or > 1_048_576)
        {
            errors.Add("Sessions:MaxChunkBytes must be between 1 KB and 1 MB.");
        }

        if (o.AdmissionCpu is < 0 or > 1 || double.IsNaN(o.AdmissionCpu) || o.AdmissionWindow < TimeSpan.FromSeconds(1) || o.AdmissionWindow > TimeSpan.FromMinutes(2))
        {
            errors.Add("Sessions:AdmissionCpu must be a share between 0 and 1 (0 turns the check off), and Sessions:AdmissionWindow between 1 second and 2 minutes.");
        }

        if (o.ReplayEvents < 0)
        {
            errors.Add("Sessions:ReplayEvents must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, int value, string name)
    {
        if (value <= 0)
        {
            errors.Add($"Sessions:{name} must be positive (was {value}).");
        }
    }

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Sessions:{name} must be a positive duration such as 00:00:02 (was {value}).");
        }
    }
}
