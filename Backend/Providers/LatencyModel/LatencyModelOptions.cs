namespace RoleplayHub.Providers.LatencyModel;

/// <summary>
/// The benchmark harness's stand-in providers: each stage waits a fixed, realistic time and returns a fixed result,
/// so a load test measures the server's own cost. Selected only explicitly (<c>Stt:Provider=latency-model</c>,
/// <c>Ai:Provider=latency-model</c>, <c>Tts:Provider=latency-model</c>); never a default. Bound from <c>LatencyModel</c>.
/// </summary>
public sealed class LatencyModelOptions
{
    public const string Section = "LatencyModel";

    public TimeSpan SttDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan AiDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan TtsDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    public string Transcript { get; set; } = "Hello, I would like to talk about the pricing of your enterprise plan.";

    public string Reply { get; set; } = "I need to understand the total cost before we go any further.";
}
