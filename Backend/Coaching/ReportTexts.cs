using System.Globalization;

namespace RoleplayHub.Coaching;

/// <summary>The report's words in the session's language: English, or Chinese for zh-* sessions.</summary>
public sealed class ReportTexts
{
    public static readonly ReportTexts English = new(false);
    public static readonly ReportTexts Chinese = new(true);

    private readonly bool _zh;

    private ReportTexts(bool zh) => _zh = zh;

    public static ReportTexts For(string language) => Units.IsChinese(language) ? Chinese : English;

    public string DefaultTitle(string measure) => (measure, _zh) switch
    {
        ("talk-ratio", false) => "Listening (talk-time ratio)",
        ("talk-ratio", true) => "倾听（说话时间占比）",
        ("pace", false) => "Pace",
        ("pace", true) => "语速",
        ("fillers", false) => "Filler words",
        ("fillers", true) => "口头禅",
        ("questions", false) => "Discovery questions",
        ("questions", true) => "提问",
        ("monologue", false) => "Concise answers",
        ("monologue", true) => "回答简洁",
        ("response-latency", false) => "Responsiveness",
        ("response-latency", true) => "回应速度",
        ("objections", false) => "Handling objections",
        ("objections", true) => "异议处理",
        (_, false) => "Key messages",
        (_, true) => "关键信息",
    };

    public string NotMeasurable => _zh ? "本次练习无法评估这一项。" : "This drill gave nothing to judge this by.";

    public string TalkRatio(double ratio, double min, double max) => _zh
        ? $"你的说话时间占 {Pct(ratio)}（建议 {Pct(min)}–{Pct(max)}）。"
        : $"You talked {Pct(ratio)} of the time (healthy: {Pct(min)}–{Pct(max)}).";

    public string Pace(double pace, double min, double max) => _zh
        ? $"语速每分钟 {pace:0} 字（建议 {min:0}–{max:0}）。"
        : $"You spoke at {pace:0} words per minute (healthy: {min:0}–{max:0}).";

    public string Fillers(int count, double per100, string? top) => _zh
        ? $"口头禅 {count} 次，每百字 {per100:0.#} 次{(top is null ? "" : $"，最多的是“{top}”")}。"
        : $"{count} filler words, {per100:0.#} per 100 words{(top is null ? "" : $"; most often \"{top}\"")}.";

    public string Questions(int all, int open, int closed) => _zh
        ? $"你提了 {all} 个问题：开放式 {open} 个，封闭式 {closed} 个。"
        : $"You asked {all} questions: {open} open, {closed} closed.";

    public string Monologue(long ms, int turn) => _zh
        ? $"最长的一段独白 {Seconds(ms)} 秒（第 {turn} 轮）。"
        : $"Your longest monologue ran {Seconds(ms)} s (turn {turn}).";

    public string Latency(int ms) => _zh
        ? $"你通常在对方说完 {Seconds(ms)} 秒后回应。"
        : $"You usually answered {Seconds(ms)} s after the persona finished.";

    public string Objections(int handled, int considered, IEnumerable<string> open) => _zh
        ? $"处理了 {considered} 个异议中的 {handled} 个{Open(open, "；未处理：")}。"
        : $"You handled {handled} of {considered} objections{Open(open, "; still open: ")}.";

    public string Keywords(int said, int all, IEnumerable<string> missed) => _zh
        ? $"说到了 {all} 个关键信息中的 {said} 个{Open(missed, "；遗漏：")}。"
        : $"You covered {said} of {all} key messages{Open(missed, "; missed: ")}.";

    public string Summary(double? overall, string method, string? best, string? worst)
    {
        if (overall is not { } score)
        {
            return _zh ? "本次练习内容太少，无法评分。" : "Too little was said in this drill to score it.";
        }

        var how = method == "llm" ? (_zh ? "模型评分" : "scored by a language model") : (_zh ? "规则评分，离线" : "scored by rules, offline");
        return _zh
            ? $"总分 {score:0}/100（{how}）。{(best is null ? "" : $"做得好：{best}。")}{(worst is null ? "" : $"下次重点：{worst}。")}"
            : $"Overall {score:0}/100 ({how}).{(best is null ? "" : $" Keep: {best}.")}{(worst is null ? "" : $" Work on: {worst}.")}";
    }

    private static string Pct(double ratio) => (ratio * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Open(IEnumerable<string> items, string prefix)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : prefix + string.Join(", ", list);
    }
}
