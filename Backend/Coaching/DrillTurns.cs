using RoleplayHub.Providers.Ai.Scripted;

namespace RoleplayHub.Coaching;

/// <summary>What the analytics read of a drill: its turns as captured (turn 0 the opening line), in order, the
/// session's language, and the objections the scenario's persona may raise.</summary>
public sealed record DrillTurns(string Language, IReadOnlyList<DrillTurn> Turns, IReadOnlyList<Scenarios.ScriptObjection> Objections)
{
    // The report matches every phrase against every turn; each turn's text is prepared for matching once per drill
    // (the phrases once per scenario: ScenarioPhrases).
    private readonly Dictionary<string, MatchText> _prepared = new(StringComparer.Ordinal);
    private IReadOnlyList<DrillTurn>? _trainee;
    private IReadOnlyList<(int Turn, string Sentence)>? _traineeSentences;

    /// <summary>A turn's text or a sentence of it, prepared for <see cref="TextMatcher"/> (once per drill).</summary>
    public MatchText Prepared(string text)
    {
        lock (_prepared)
        {
            if (!_prepared.TryGetValue(text, out var prepared))
            {
                prepared = MatchText.Of(text);
                _prepared[text] = prepared;
            }

            return prepared;
        }
    }

    /// <summary>The trainee's turns: those with something recognised.</summary>
    public IReadOnlyList<DrillTurn> Trainee => _trainee ??= [.. Turns.Where(t => t.Turn > 0 && !string.IsNullOrWhiteSpace(t.UserText))];

    /// <summary>Every trainee sentence with its turn, in order (cut once per drill: every measure reads them).</summary>
    public IReadOnlyList<(int Turn, string Sentence)> TraineeSentences =>
        _traineeSentences ??= [.. Trainee.SelectMany(t => Sentences.Split(t.UserText).Select(s => (t.Turn, s)))];
}
