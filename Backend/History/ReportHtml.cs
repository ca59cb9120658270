using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using RoleplayHub.Core;
using RoleplayHub.Http;

namespace RoleplayHub.History;

/// <summary>
/// A coaching report as one print-ready HTML page (A4, no script, styles inline): the browser's "Print → Save as PDF"
/// makes the PDF. Every value is HTML-encoded — transcripts and a model's comments are untrusted text.
/// </summary>
public static class ReportHtml
{
    /// <summary>The page's own policy: nothing but its inline styles.</summary>
    public static ContentSecurityPolicy Policy { get; } = new(
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");

    // Chinese stays readable in the source (the default encoder writes every non-ASCII character as an entity).
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        body{font:11pt/1.45 system-ui,"Noto Sans","Noto Sans CJK SC",sans-serif;color:#1d2330;margin:2em auto;max-width:46em;padding:0 1em}
        h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em;border-bottom:1px solid #ccd}
        .score{font-size:2.4em;font-weight:700}.muted{color:#5a6272}table{border-collapse:collapse;width:100%}
        td,th{text-align:left;padding:.25em .5em;border-bottom:1px solid #e4e6ec;vertical-align:top}
        .good{color:#16703a}.fair{color:#8a5a00}.poor{color:#b3261e}blockquote{margin:.3em 0;padding:.2em .8em;border-left:3px solid #99a}
        .better{color:#16703a}@page{size:A4;margin:18mm}@media print{body{margin:0}}
        """;

    public static string Render(SessionSummary session, CoachingReport report)
    {
        var zh = report.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        string T(string en, string cn) => zh ? cn : en;
        var e = Encoder;
        var html = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        html.Append(c, $"<!doctype html><html lang=\"{e.Encode(report.Language)}\"><head><meta charset=\"utf-8\"><title>{T("Coaching report", "练习报告")} · {e.Encode(session.ScenarioId)}</title><style>{Style}</style></head><body>");
        html.Append(c, $"<h1>{T("Coaching report", "练习报告")}: {e.Encode(session.ScenarioId)}</h1>");
        html.Append(c, $"<p class=\"muted\">{e.Encode(session.UserId)} · {e.Encode(session.Persona)} · {session.StartedAt:yyyy-MM-dd HH:mm} UTC · {e.Encode(report.Method)}</p>");
        html.Append(c, $"<p><span class=\"score {e.Encode(report.Rating ?? "")}\">{(report.Overall is { } o ? o.ToString("0", c) : "–")}</span>/100");
        if (report.Trend is { OverallChange: { } change })
        {
            html.Append(c, $" <span class=\"muted\">({change:+0.#;-0.#;±0} {T("since the last session", "较上次")})</span>");
        }

        html.Append(c, $"</p><p>{e.Encode(report.Summary)}</p><h2>{T("Rubric", "评分标准")}</h2><table>");
        foreach (var criterion in report.Criteria)
        {
            var trend = report.Trend?.Criteria.FirstOrDefault(t => t.Id == criterion.Id)?.Change;
            html.Append(c, $"<tr><th>{e.Encode(criterion.Title)}<br><span class=\"muted\">×{criterion.Weight:0.#}</span></th>");
            html.Append(c, $"<td class=\"{e.Encode(criterion.Rating)}\">{(criterion.Score is { } s ? s.ToString("0", c) : "n/a")}{(trend is { } t ? $" ({t:+0.#;-0.#;±0})" : "")}</td>");
            html.Append(c, $"<td>{e.Encode(criterion.Comment)}");
            if (criterion.Evidence is { } quote)
            {
                html.Append(c, $"<blockquote>“{e.Encode(quote)}” <span class=\"muted\">({T("turn", "第")} {criterion.EvidenceTurn}{T("", " 轮")})</span></blockquote>");
            }

            if (criterion.Better is { } better)
            {
                html.Append(c, $"<div class=\"better\">{T("Try", "可以这样说")}: “{e.Encode(better)}”</div>");
            }

            html.Append("</td></tr>");
        }

        var a = report.Analytics;
        html.Append(c, $"</table><h2>{T("Figures", "数据")}</h2><table>");
        Row(html, T("Talk-time ratio (you)", "说话时间占比（你）"), a.TalkRatio is { } r ? r.ToString("P0", c) : "n/a");
        Row(html, T($"Pace ({a.WordUnit} per minute)", "语速（字/分钟）"), a.WordsPerMinute?.ToString("0", c) ?? "n/a");
        Row(html, T("Filler words", "口头禅"), $"{a.FillerWords} ({string.Join(", ", a.Fillers.Select(f => $"{f.Filler} × {f.Count}"))})");
        Row(html, T("Questions (open / closed)", "提问（开放 / 封闭）"), $"{a.Questions} ({a.OpenQuestions} / {a.ClosedQuestions})");
        Row(html, T("Longest monologue", "最长独白"), a.LongestMonologue is { } m ? string.Create(c, $"{m.DurationMs / 1000.0:0.#} s ({T("turn", "第")} {m.Turn}{T("", " 轮")})") : "n/a");
        Row(html, T("Median response time", "回应时间中位数"), a.MedianResponseLatencyMs is { } l ? string.Create(c, $"{l / 1000.0:0.#} s") : "n/a");
        Row(html, T("Interruptions", "打断"), a.Interruptions.ToString(c));
        Row(html, T("Objections handled", "已处理的异议"), string.Join(", ", a.Objections.Select(x => $"{x.Id}: {(x.Handled ? "✓" : x.Raised ? "✗" : "–")}")));
        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string label, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>{Encoder.Encode(label)}</th><td>{Encoder.Encode(value)}</td></tr>");
}
