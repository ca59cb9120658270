using RoleplayHub.Coaching;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Tests.Coaching;

/// <summary>
/// Two hand-written drills, one per language, whose figures are computed by hand in the tests. Times are offsets
/// from <see cref="T0"/>; a trainee turn's words are spread evenly between its first word's start and last word's end.
/// </summary>
internal static class ScriptedDrills
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    public static readonly ScriptObjection PriceEn = new() { Id = "price", Raise = ["The renewal is too expensive."], ResolvedBy = ["discount", "payment plan"] };
    public static readonly ScriptObjection RiskEn = new() { Id = "risk", Raise = ["What if the rollout fails?"], ResolvedBy = ["pilot"] };
    public static readonly ScriptObjection PriceZh = new() { Id = "price", Raise = ["价格太贵了"], ResolvedBy = ["折扣", "分期付款"] };

    /// <summary>
    /// Opening 4 s. Turn 1 (12 words, 4 s, "um", an open question) ends 9.9 s in; the reply raises the price and
    /// plays 3 + 2 s from 0.8 s after it. Turn 2 (14 words, 6 s, "you know", a closed question, "discount") ends
    /// 23.8 s in; its reply plays from 0.7 s after and is cut at 1.5 s. Turn 3 (28 words, 12 s, "uh", "i mean")
    /// ends 40 s in; its reply plays 1.5 s.
    /// </summary>
    public static IReadOnlyList<DrillTurn> English() => Captured(EnglishRecords());

    /// <summary>The English drill's turns as journalled.</summary>
    public static IReadOnlyList<TurnRecord> EnglishRecords() =>
    [
        Opening("Thanks for coming in. Our budget was cut by fifteen percent.", 4000),
        Trainee(1, "Um, thanks for having me. What changed in your budget this year?", 500, 4500, startedAtMs: 10_000, queueMs: 100,
            reply: "We need a lower price. The renewal is too expensive.", firstAudioMs: 800, segments: [3000, 2000]),
        Trainee(2, "Could we offer a multi-year discount? You know, like a three year contract.", 0, 6000, startedAtMs: 24_000, queueMs: 200,
            reply: "A discount helps. How long is the implementation?", firstAudioMs: 700, segments: [2500]) with { Interrupted = true, PlayedMs = 1500 },
        Trainee(3, "Uh, I mean, we usually go live in six weeks and we handle the whole data migration for you so your team does not need to do anything", 200, 12_200,
            startedAtMs: 40_000, queueMs: 0, reply: "Six weeks is fine.", firstAudioMs: 600, segments: [1500]),
    ];

    /// <summary>
    /// Opening 3 s. Turn 1 (12 characters, 3 s, 嗯, an open question with 为什么) ends 8 s in; the reply raises the
    /// price and plays 2 + 2 s from 0.5 s after. Turn 2 (21 characters, 6 s, 那个那个, a closed question with 吗,
    /// 折扣) ends 19.5 s in; its reply plays 1.5 s.
    /// </summary>
    public static IReadOnlyList<DrillTurn> Chinese() => Captured(
    [
        Opening("你好，我们今年预算减少了。", 3000),
        Trainee(1, "嗯，你们的价格为什么这么高？", 300, 3300, startedAtMs: 8000, queueMs: 0,
            reply: "价格太贵了，我们需要折扣。", firstAudioMs: 500, segments: [2000, 2000]),
        Trainee(2, "我们可以给三年合同的折扣，那个那个，您看可以吗？", 0, 6000, startedAtMs: 20_000, queueMs: 500,
            reply: "好的，可以考虑。", firstAudioMs: 400, segments: [1500]),
    ]);

    /// <summary>The English drill's rules report (questions and objections), with a trend: a sample payload.</summary>
    public static CoachingReport Report()
    {
        var coach = new RoleplayHub.Coaching.DrillCoach(new RoleplayHub.Coaching.DrillTurnCapture(new NoSessionJournal()), new NoReportArchive(),
            Microsoft.Extensions.Options.Options.Create(new RoleplayHub.Coaching.CoachingOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RoleplayHub.Coaching.DrillCoach>.Instance);
        var report = coach.Report(new RoleplayHub.Coaching.DrillTurns("en-US", English(), [PriceEn, RiskEn]),
        [
            new RubricCriterion { Id = "questions", Title = "Questions", Measure = "questions" },
            new RubricCriterion { Id = "objections", Title = "Objections", Measure = "objections", Weight = 3 },
        ]);
        return report with
        {
            Trend = RoleplayHub.Coaching.TrendBuilder.Build(report.Overall, report.Criteria, [new StoredReport(Guid.Empty, T0.AddDays(-1), ReportScores.Of(report with { Overall = 50 }))]),
        };
    }

    /// <summary>The turns as the capture keeps them from their journalled records.</summary>
    private static IReadOnlyList<DrillTurn> Captured(IReadOnlyList<TurnRecord> records) => [.. records.Select(DrillTurn.Of)];

    private static TurnRecord Opening(string text, int durationMs) => new()
    {
        HistoryKey = Guid.Empty,
        SessionId = "s",
        Turn = 0,
        UserText = "",
        AiText = text,
        AvatarSegments = [new AvatarSegmentRecord(0, text, "k0", null, durationMs, "audio/wav")],
        StartedAt = T0,
        CompletedAt = T0,
    };

    private static TurnRecord Trainee(int turn, string text, int firstStartMs, int lastEndMs, int startedAtMs, int queueMs, string reply, int firstAudioMs, int[] segments) => new()
    {
        HistoryKey = Guid.Empty,
        SessionId = "s",
        Turn = turn,
        UserText = text,
        Words = Spread(text, firstStartMs, lastEndMs),
        AiText = reply,
        AvatarSegments = [.. segments.Select((ms, i) => new AvatarSegmentRecord(i, reply, $"k{turn}-{i}", null, ms, "audio/wav"))],
        QueueMs = queueMs,
        FirstAudioMs = firstAudioMs,
        StartedAt = T0.AddMilliseconds(startedAtMs),
        CompletedAt = T0.AddMilliseconds(startedAtMs + 3000),
    };

    private static List<WordTiming> Spread(string text, int firstStartMs, int lastEndMs)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var step = words.Length > 1 ? (lastEndMs - firstStartMs) / words.Length : lastEndMs - firstStartMs;
        return [.. words.Select((w, i) => new WordTiming(w, firstStartMs + (i * step), i == words.Length - 1 ? lastEndMs : firstStartMs + ((i + 1) * step)))];
    }
}
