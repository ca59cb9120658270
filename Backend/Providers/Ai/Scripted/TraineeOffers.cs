using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// What the trainee has offered or conceded so far — the answer phrases of the script's objections (a discount, an
/// exit clause, a pilot) heard in the drill — and the rule that follows from it: a persona line that names an offer
/// may be said only when the trainee made that offer. "A pilot first is reasonable" must not answer an exit clause.
/// </summary>
internal sealed class TraineeOffers(ScriptRules script)
{
    private readonly string[] _phrases = [.. script.Objections.SelectMany(o => o.ResolvedBy).Distinct(StringComparer.Ordinal)];
    private readonly HashSet<string> _heard = new(StringComparer.Ordinal);
    private readonly HashSet<string> _heardThisTurn = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Heard => _heard;

    /// <summary>Notes the offers in one trainee turn.</summary>
    public void Hear(string[] words, string unspaced)
    {
        _heardThisTurn.Clear();
        foreach (var phrase in _phrases.Where(p => TextMatcher.Score(words, unspaced, p) > 0))
        {
            _heard.Add(phrase);
            _heardThisTurn.Add(phrase);
        }
    }

    /// <summary>True when every offer the line names was made by the trainee at some point in the drill.</summary>
    public bool OnlyNamesOffersMade(string line) => Named(line).All(_heard.Contains);

    /// <summary>True when the line names an offer made in the turn just heard (the most specific answer to it).</summary>
    public bool NamesOfferJustMade(string line) => Named(line).Any(_heardThisTurn.Contains);

    /// <summary>The lines of <paramref name="lines"/> that are honest now, those naming this turn's offer first.</summary>
    public IReadOnlyList<string> Honest(IReadOnlyList<string> lines)
    {
        var honest = lines.Where(OnlyNamesOffersMade).ToList();
        var specific = honest.Where(NamesOfferJustMade).ToList();
        return specific.Count > 0 ? specific : honest;
    }

    private IEnumerable<string> Named(string line)
    {
        var named = MatchText.Of(line);
        return _phrases.Where(p => TextMatcher.Score(named.Words, named.Unspaced, p) > 0);
    }
}
