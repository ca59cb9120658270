namespace RoleplayHub.Fakes.Realtime;

/// <summary>How a fake realtime vendor behaves: which vendor it is, its key, and the timing knobs tests and benchmarks turn.</summary>
public sealed class FakeRealtimeOptions
{
    /// <summary>openai, azure, stepfun, glm, qwen or gemini.</summary>
    public string Vendor { get; set; } = "openai";

    /// <summary>Loopback port; 0 takes a free one.</summary>
    public int Port { get; set; }

    /// <summary>The only key accepted.</summary>
    public string ApiKey { get; set; } = "test-key";

    /// <summary>Reply audio is sent at this multiple of real time (4 = four times faster); pacing keeps barge-in testable.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>The model's "thinking" time before the first audio of a reply (divided by <see cref="Speed"/>), so a
    /// benchmark can subtract the upstream's share of a turn.</summary>
    public TimeSpan FirstAudioDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Audio per delta message.</summary>
    public TimeSpan DeltaDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Reply audio length per character of reply text.</summary>
    public TimeSpan AudioPerCharacter { get; set; } = TimeSpan.FromMilliseconds(60);

    /// <summary>The session length cap (OpenAI: 60 minutes; Gemini: the connection's life, ~10 minutes).</summary>
    public TimeSpan SessionCap { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Gemini: how long before the cap <c>goAway</c> is sent (its <c>timeLeft</c>).</summary>
    public TimeSpan GoAwayLead { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Energy VAD: a 10 ms frame with an RMS above this (of 32768) is speech.</summary>
    public double VadRmsThreshold { get; set; } = 1000;

    /// <summary>GLM: interval of its <c>heartbeat</c> events.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The reply when no test enqueued one.</summary>
    public string DefaultReply { get; set; } = "Thank you, tell me more about that.";
}
