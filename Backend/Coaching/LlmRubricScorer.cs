using System.Globalization;
using System.Text;
using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Coaching;

/// <summary>
/// Scores the rubric with the configured language model: the transcript, the criteria and the measured figures go in;
/// per criterion a score, a quote of the trainee as evidence, a comment and a better line come back, as JSON. Every
/// quote is checked against the transcript (<see cref="EvidenceCheck"/>): one the trainee never said is removed and
/// the criterion flagged. A criterion the model left out or scored badly keeps its rules score.
/// </summary>
public sealed class LlmRubricScorer(ITextCompletion model, CoachingOptions options)
{
    public const string Method = "llm";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The report with the model's scores in place of the rules'; throws when the model fails or answers
    /// something that is not the JSON asked for (the caller keeps the rules report).</summary>
    public async Task<CoachingReport> ScoreAsync(CoachingReport rules, DrillTurns drill, IReadOnlyList<RubricCriterion> rubric, string title, CancellationToken cancellationToken)
    {
        var answer = await model.CompleteAsync(SystemText(drill.Language), UserText(drill, rubric, rules.Analytics, title), options.LlmMaxOutputTokens, cancellationToken);
        var judged = Parse(answer);
        var criteria = rules.Criteria.Select(c => Merge(c, judged.Criteria?.FirstOrDefault(j => j.Id == c.Id), drill)).ToList();
        var scored = criteria.Where(c => c.Score is not null).ToList();
        double? overall = scored.Count == 0 ? null
            : Math.Round(scored.Sum(c => c.Weight * c.Score!.Value) / scored.Sum(c => c.Weight), 1, MidpointRounding.AwayFromZero);
        var summary = string.IsNullOrWhiteSpace(judged.Summary)
            ? rules.Summary
            : $"{ReportTexts.For(drill.Language).Summary(overall, Method, null, null)} {judged.Summary.Trim()}";
        return rules with { Method = Method, Criteria = criteria, Overall = overall, Rating = overall is null ? null : Ratings.Of(overall), Summary = summary };
    }

    private static CriterionScore Merge(CriterionScore rules, JudgedCriterion? judged, DrillTurns drill)
    {
        if (judged?.Score is not { } score || score is < 0 or > 100)
        {
            return rules;
        }

        var rounded = Math.Round(score, MidpointRounding.AwayFromZero);
        var located = EvidenceCheck.Locate(judged.Evidence, judged.Turn, drill);
        var dropped = located is null && !string.IsNullOrWhiteSpace(judged.Evidence);
        return rules with
        {
            Score = rounded,
            Rating = Ratings.Of(rounded),
            Comment = string.IsNullOrWhiteSpace(judged.Comment) ? rules.Comment : judged.Comment.Trim(),
            Evidence = located?.Quote,
            EvidenceTurn = located?.Turn,
            Better = string.IsNullOrWhiteSpace(judged.Better) ? null : judged.Better.Trim(),
            EvidenceDropped = dropped,
        };
    }

    /// <summary>The JSON object in the answer (models like to wrap it in a code fence or a sentence).</summary>
    private static Judgement Parse(string answer)
    {
        var start = answer.IndexOf('{', StringComparison.Ordinal);
        var end = answer.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            throw new JsonException("The model's answer holds no JSON object.");
        }

        return JsonSerializer.Deserialize<Judgement>(answer.AsSpan(start, end - start + 1), Json) ?? throw new JsonException("The model answered null.");
    }

    private static string SystemText(string language) => Units.IsChinese(language)
        ? """
          你是一名销售与沟通培训教练。根据评分标准为学员的一次角色扮演练习打分。
          只输出一个 JSON 对象：{"summary": "两三句总结", "criteria": [{"id": "标准 id", "score": 0-100 的整数, "evidence": "学员原话的逐字引用", "turn": 引用所在轮次, "comment": "一句点评", "better": "学员本可以说的更好的一句话"}]}。
          evidence 必须逐字摘自标记为“学员”的句子，不能改写；找不到合适的原话时设为 null。所有文字用简体中文。
          """
        : """
          You are a coach for sales and communication skills. Score one roleplay drill of a trainee against the rubric.
          Answer with one JSON object only: {"summary": "two or three sentences", "criteria": [{"id": "criterion id", "score": integer 0-100, "evidence": "a verbatim quote of the trainee", "turn": the quote's turn number, "comment": "one sentence", "better": "a line the trainee could have said instead"}]}.
          The evidence must be copied word for word from a line marked Trainee — never paraphrased; use null when no line fits. Write in English.
          """;

    private static string UserText(DrillTurns drill, IReadOnlyList<RubricCriterion> rubric, DrillAnalytics a, string title)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Drill: {title} ({drill.Language})\n\nRubric:\n");
        foreach (var c in rubric)
        {
            text.Append(CultureInfo.InvariantCulture, $"- id {c.Id}: {c.Title} (weight {c.Weight}, measure {c.Measure}){(c.Description.Length > 0 ? ": " + c.Description : "")}");
            text.Append(c.Keywords.Count > 0 ? $" Key phrases: {string.Join(", ", c.Keywords)}.\n" : "\n");
        }

        text.Append(CultureInfo.InvariantCulture,
            $"\nMeasured: talk ratio {a.TalkRatio?.ToString("P0", CultureInfo.InvariantCulture) ?? "n/a"}, pace {a.WordsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} {a.WordUnit}/min, ");
        text.Append(CultureInfo.InvariantCulture,
            $"{a.FillerWords} fillers, {a.Questions} questions ({a.OpenQuestions} open), {a.Interruptions} interruptions, objections handled {a.Objections.Count(o => o.Handled)} of {a.Objections.Count(o => o.Raised || o.Handled)}.\n\nTranscript:\n");
        foreach (var turn in drill.Turns)
        {
            if (turn.Turn > 0 && !string.IsNullOrWhiteSpace(turn.UserText))
            {
                text.Append(CultureInfo.InvariantCulture, $"[turn {turn.Turn}] Trainee: {turn.UserText}\n");
            }

            if (turn.AiText is { } reply)
            {
                text.Append(CultureInfo.InvariantCulture, $"[turn {turn.Turn}] Persona: {reply}\n");
            }
        }

        return text.ToString();
    }

    private sealed record Judgement(string? Summary, IReadOnlyList<JudgedCriterion>? Criteria);

    private sealed record JudgedCriterion(string Id, double? Score, string? Evidence, int? Turn, string? Comment, string? Better);
}
