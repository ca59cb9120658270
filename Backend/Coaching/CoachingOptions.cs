namespace RoleplayHub.Coaching;

/// <summary>
/// The coaching report (<c>Coaching:*</c>): the filler words counted per language and the bands the offline rules
/// call healthy. Defaults follow the products in docs/coaching.md (DealSpeak's talk ratio, Microsoft Speaker Coach's
/// pace); a list set in configuration replaces the built-in one.
/// </summary>
public sealed class CoachingOptions
{
    public const string Section = "Coaching";

    /// <summary>Off: <c>session-ended</c> carries no report and none is stored.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>English fillers, matched as whole words or word sequences (case-insensitive).</summary>
    public List<string> FillersEn { get; set; } = ["um", "uh", "er", "erm", "ah", "hmm", "you know", "i mean", "sort of", "kind of", "basically", "actually", "literally"];

    /// <summary>Chinese fillers, matched as substrings of the transcript without spaces. Plain 那个/这个 are left out of
    /// the defaults: they are more often determiners ("这个方案") than hesitations.</summary>
    public List<string> FillersZh { get; set; } = ["嗯", "呃", "那个那个", "就是说", "然后呢", "反正就是"];

    /// <summary>The trainee's share of the talking time called healthy (DealSpeak: 45–55 %).</summary>
    public double TalkRatioMin { get; set; } = 0.45;

    public double TalkRatioMax { get; set; } = 0.55;

    /// <summary>English pace called healthy, in words per minute (Speaker Coach: 100–165).</summary>
    public double PaceMinWpm { get; set; } = 100;

    public double PaceMaxWpm { get; set; } = 165;

    /// <summary>Chinese pace called healthy, in characters per minute.</summary>
    public double PaceMinCpm { get; set; } = 150;

    public double PaceMaxCpm { get; set; } = 280;

    /// <summary>A monologue up to this long scores full marks; twice as long scores none.</summary>
    public TimeSpan MonologueTarget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A median answer within this scores full marks; four times as long scores none.</summary>
    public TimeSpan ResponseLatencyTarget { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many of the trainee's earlier reports of the scenario the trend lists.</summary>
    public int TrendSessions { get; set; } = 10;

    /// <summary>The longest the earlier reports are waited for (the history may be down): after it the report is
    /// sent without a trend rather than holding back <c>session-ended</c>.</summary>
    public TimeSpan TrendTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
