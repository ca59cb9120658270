using RoleplayHub.Core;
using RoleplayHub.Providers.Ai.Scripted;

namespace RoleplayHub.Coaching;

/// <summary>
/// The figures of a drill (<see cref="DrillAnalytics"/>), computed from its turns alone — no clock, no model — so
/// the same turns always give the same figures. The definitions are in docs/coaching.md.
/// </summary>
public sealed class DrillAnalyzer(FillerCounter fillers)
{
    public DrillAnalytics Analyze(DrillTurns drill)
    {
        var trainee = drill.Trainee;
        var words = trainee.Sum(t => Units.Count(t.UserText));
        var timed = trainee.Where(t => t.SpeakingMs is not null).ToList();
        var traineeMs = timed.Sum(t => t.SpeakingMs ?? 0);
        var personaMs = drill.Turns.Where(t => t.AiText is not null).Sum(t => t.PersonaMs);
        double? talkRatio = timed.Count > 0 && traineeMs + personaMs > 0 ? Round((double)traineeMs / (traineeMs + personaMs), 3) : null;
        var timedWords = timed.Sum(t => Units.Count(t.UserText));
        double? pace = traineeMs > 0 ? Round(timedWords * 60_000.0 / traineeMs, 1) : null;

        var tallies = trainee.SelectMany(t => fillers.Count(drill.Prepared(t.UserText)))
            .GroupBy(f => f.Filler)
            .Select(g => new FillerTally(g.Key, g.Sum(f => f.Count)))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Filler, StringComparer.Ordinal)
            .ToList();
        var fillerCount = tallies.Sum(f => f.Count);

        var longest = timed.OrderByDescending(t => t.SpeakingMs).ThenBy(t => t.Turn).FirstOrDefault();
        var kinds = drill.TraineeSentences.Select(s => QuestionClassifier.Classify(s.Sentence, drill.Prepared(s.Sentence))).ToList();
        var latencies = ResponseLatencies(drill.Turns);

        return new DrillAnalytics(
            TraineeTurns: trainee.Count,
            TraineeWords: words,
            WordUnit: Units.UnitFor(drill.Language),
            TraineeSpeakingMs: traineeMs,
            PersonaSpeakingMs: personaMs,
            TalkRatio: talkRatio,
            WordsPerMinute: pace,
            FillerWords: fillerCount,
            FillersPer100Words: words > 0 ? Round(fillerCount * 100.0 / words, 1) : null,
            Fillers: tallies,
            LongestMonologue: longest is null ? null : new Monologue(longest.Turn, longest.SpeakingMs ?? 0, Units.Count(longest.UserText)),
            Questions: kinds.Count(k => k != QuestionKind.None),
            OpenQuestions: kinds.Count(k => k == QuestionKind.Open),
            ClosedQuestions: kinds.Count(k => k == QuestionKind.Closed),
            MedianResponseLatencyMs: Median(latencies.Select(l => l.Ms).ToList()),
            ResponseLatencies: latencies,
            Interruptions: drill.Turns.Count(t => t.Interrupted),
            Objections: Objections(drill));
    }

    /// <summary>
    /// For each trainee turn after a spoken reply: the end of the trainee's turn, less the end of the persona's audio
    /// before it, less the trainee's own speaking time. The persona's audio starts when its first segment went out
    /// (the turn's end of utterance + <c>firstAudioMs</c>; the opening line at its start) and plays for its segments'
    /// length (or <c>playedMs</c> when cut). What remains is the silence the trainee left — including the pause that
    /// closed their turn, which push-to-talk makes near zero and idle flush or voice detection make their setting.
    /// </summary>
    public static IReadOnlyList<TurnLatency> ResponseLatencies(IReadOnlyList<DrillTurn> turns)
    {
        List<TurnLatency> latencies = [];
        var byIndex = new Dictionary<int, DrillTurn>(turns.Count);
        for (var i = 0; i < turns.Count; i++)
        {
            byIndex[turns[i].Turn] = turns[i]; // a turn journalled again (retried, resumed): its last record stands
        }

        for (var i = 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            if (turn.Turn == 0 || string.IsNullOrWhiteSpace(turn.UserText)
                || !byIndex.TryGetValue(turn.Turn - 1, out var previous) || previous.AiText is null || !previous.PersonaSpoke)
            {
                continue;
            }

            DateTimeOffset? audioStart = previous.Turn == 0
                ? previous.StartedAt
                : previous.FirstAudioMs is { } first ? previous.UtteranceEnd.AddMilliseconds(first) : null;
            if (audioStart is not { } start)
            {
                continue;
            }

            var personaEnd = start.AddMilliseconds(previous.PersonaMs);
            var silent = (turn.UtteranceEnd - personaEnd).TotalMilliseconds - (turn.SpeakingMs ?? 0);
            latencies.Add(new TurnLatency(turn.Turn, (int)Math.Max(0, Math.Round(silent))));
        }

        return latencies;
    }

    /// <summary>The objections the persona raised (a raise line of it in a reply) and the first trainee turn after it
    /// that says one of its answer phrases; one answered before it came up counts as handled, not raised.</summary>
    private static List<ObjectionCoverage> Objections(DrillTurns drill)
    {
        List<ObjectionCoverage> coverage = new(drill.Objections.Count);
        for (var o = 0; o < drill.Objections.Count; o++)
        {
            var objection = drill.Objections[o];
            var raised = Raised(drill, objection);
            var from = raised?.Turn + 1 ?? 1;
            (int Turn, string Phrase)? handled = null;
            for (var t = 0; t < drill.Trainee.Count; t++)
            {
                var turn = drill.Trainee[t];
                if (turn.Turn >= from && FirstSaid(drill, turn.UserText, objection.ResolvedBy) is { } phrase)
                {
                    handled = (turn.Turn, phrase);
                    break;
                }
            }

            coverage.Add(new ObjectionCoverage(objection.Id, raised is not null, handled is not null, raised?.Turn, handled?.Turn, handled?.Phrase));
        }

        return coverage;
    }

    /// <summary>The first reply that holds one of the objection's raise lines.</summary>
    private static DrillTurn? Raised(DrillTurns drill, Scenarios.ScriptObjection objection)
    {
        // Indexed loops: these lists are interfaces, whose enumerators would each be an allocation.
        for (var t = 0; t < drill.Turns.Count; t++)
        {
            if (drill.Turns[t].AiText is not { } reply)
            {
                continue;
            }

            for (var l = 0; l < objection.Raise.Count; l++)
            {
                if (Contains(drill, reply, objection.Raise[l]))
                {
                    return drill.Turns[t];
                }
            }
        }

        return null;
    }

    private static string? FirstSaid(DrillTurns drill, string text, IReadOnlyList<string> phrases)
    {
        for (var p = 0; p < phrases.Count; p++)
        {
            if (Says(drill, text, phrases[p]))
            {
                return phrases[p];
            }
        }

        return null;
    }

    /// <summary>The trainee said <paramref name="phrase"/> (one of the scenario's): matched as the scripted engine
    /// matches its keywords.</summary>
    public static bool Says(DrillTurns drill, string text, string phrase) => TextMatcher.Score(drill.Prepared(text), ScenarioPhrases.Of(phrase)) > 0;

    private static bool Contains(DrillTurns drill, string text, string line) =>
        drill.Prepared(text).Normalized.Contains(ScenarioPhrases.Of(line).Normalized, StringComparison.Ordinal);

    private static int? Median(List<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (int)Math.Round((values[middle - 1] + values[middle]) / 2.0, MidpointRounding.AwayFromZero);
    }

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
