namespace RoleplayHub.Coaching;

/// <summary>
/// The coaching report (<c>Coaching:*</c>): the filler words counted per language and the bands the offline rules
/// call healthy. Defaults follow the products in docs/coaching.md (DealSpeak's talk ratio, Microsoft Speaker Coach's
/// pace). A filler list set in configuration replaces the built-in one (the binder would append to a list the class
/// filled, so the defaults live apart and apply only while a list is empty).
/// </summary>
public sealed class CoachingOptions
{
    public const string Section = "Coaching";

    /// <summary>Off: <c>session-ended</c> carries no report and none is stored.</summary>
    public bool Enabled { get; set; } = true;

    public static readonly IReadOnlyList<string> DefaultFillersEn =
        ["um", "uh", "er", "erm", "ah", "hmm", "you know", "i mean", "sort of", "kind of", "basically", "actually", "literally"];

    public static readonly IReadOnlyList<string> DefaultFillersZh = ["嗯", "呃", "那个那个", "就是说", "然后呢", "反正就是"];

    /// <summary>English fillers, matched as whole words or word sequences (case-insensitive); empty = the defaults.</summary>
    public List<string> FillersEn { get; set; } = [];

    /// <summary>Chinese fillers, matched as substrings of the transcript without spaces. Plain 那个/这个 are left out of
    /// the defaults: they are more often determiners ("这个方案") than hesitations.</summary>
    public List<string> FillersZh { get; set; } = [];

    public IReadOnlyList<string> EnglishFillers => FillersEn.Count > 0 ? FillersEn : DefaultFillersEn;

    public IReadOnlyList<string> ChineseFillers => FillersZh.Count > 0 ? FillersZh : DefaultFillersZh;

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

    /// <summary>Score the rubric with the language model when one is configured (<c>Ai:Provider=openai</c>); off, or
    /// without one, the rules score it.</summary>
    public bool UseLlm { get; set; } = true;

    /// <summary>The longest the model's scoring is waited for; after it (or on any failure) the rules' report is sent.</summary>
    public TimeSpan LlmTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Room for the model's answer: a score, a quote, a comment and a better line per criterion.</summary>
    public int LlmMaxOutputTokens { get; set; } = 1500;

    /// <summary>How many of the trainee's earlier reports of the scenario the trend lists.</summary>
    public int TrendSessions { get; set; } = 10;

    /// <summary>The longest the earlier reports are waited for (the history may be down): after it the report is
    /// sent without a trend rather than holding back <c>session-ended</c>.</summary>
    public TimeSpan TrendTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
