using System.Runtime.CompilerServices;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// One drill with the scripted engine (<see cref="ScriptedRoleplayAi"/>): recognises the trainee's intent, keeps the
/// drill's state, and composes each reply from the scenario's own lines.
/// </summary>
public sealed class ScriptedConversation : IRoleplayConversation
{
    private static readonly ScriptRules Empty = new();

    // Three matched answer words (one three-word phrase, or several answer words) settle a concern before it is
    // raised; a word or two in passing ("we support", "training") does not.
    private const int PreemptScore = 3;

    // Used when a script lists no affirmatives of its own. A negation anywhere turns an answer into a refusal.
    private static readonly string[] EnglishYes = ["yes", "yeah", "yep", "sure", "please", "ok", "okay", "of course", "go ahead", "go on", "tell me", "why not", "love to", "alright", "all right"];
    private static readonly string[] EnglishNo = ["no", "not", "dont", "nope", "never", "rather not"];
    private static readonly string[] ChineseYes = ["好", "可以", "行", "想听", "当然", "是的", "请讲", "讲吧", "说吧", "嗯", "没问题", "愿意"];
    private static readonly string[] ChineseNo = ["不", "别", "算了"];

    // When a script's own acknowledgements all name offers the trainee did not make.
    private static readonly string[] EnglishAcknowledgements = ["All right, that answers my concern.", "Fair enough, that helps.", "Good, that settles that point for me."];
    private static readonly string[] ChineseAcknowledgements = ["好，这一点我明白了。", "可以，这样我放心一些。", "好，这个问题算是解决了。"];

    private readonly ScenarioVariant _variant;
    private readonly ScriptRules _script;
    private readonly LinePicker _lines;
    private readonly TraineeOffers _offers;
    private readonly List<string> _raised = [];
    private readonly HashSet<string> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _openSince = new(StringComparer.Ordinal);
    private readonly HashSet<string> _discussed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _offered = new(StringComparer.Ordinal);
    private readonly bool _chinese;
    private string? _stage;
    private string? _lastIntent;
    private ScriptIntent? _invited;
    private int _beatsTold;

    public ScriptedConversation(string sessionId, ScenarioVariant variant)
    {
        _variant = variant;
        _script = variant.Script ?? Empty;
        _stage = _script.Stages.Count > 0 ? _script.Stages[0] : null;
        _lines = new LinePicker(sessionId);
        _offers = new TraineeOffers(_script);
        _chinese = variant.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
    }

    public ScriptedState State => new(_stage, [.. _raised], [.. _resolved], _lastIntent, [.. _discussed], _beatsTold, _invited?.Id, [.. _offers.Heard]);

    /// <summary>The composed reply, streamed as a model streams it: word by word (a word with the space after it; in
    /// Chinese, clause by clause), so clients see the same <c>ai-response-delta</c>s whichever engine answers.</summary>
    public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask;
        var reply = Compose(turn);
        var start = 0;
        for (var i = 0; i < reply.Length; i++)
        {
            var ends = char.IsWhiteSpace(reply[i])
                ? i + 1 == reply.Length || !char.IsWhiteSpace(reply[i + 1])
                : reply[i] is '，' or '。' or '！' or '？' or '；' or '、';
            if (ends)
            {
                yield return reply[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < reply.Length)
        {
            yield return reply[start..];
        }
    }

    public void Commit(AiTurn turn, string reply)
    {
        // The script keeps its own state as it composes; nothing to add from the delivered text.
    }

    /// <summary>The script's state (raised and settled concerns, the stage, offers heard, the lines picked) moves only as
    /// it composes: composing the recorded turn again, in order, brings it where the lost node had it.</summary>
    public void Restore(AiTurn turn, string reply) => _ = Compose(turn);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Builds the reply: acknowledge an answered objection, answer the recognised intent (or tell the next
    /// story beat, or fall back), raise the next concern when none is open or offer a topic not discussed yet, and
    /// close the drill on the last turn.</summary>
    internal string Compose(AiTurn turn)
    {
        var heard = MatchText.Of(turn.UserText);
        var (words, unspaced) = (heard.Words, heard.Unspaced);
        var parts = new List<string>();
        _offers.Hear(words, unspaced);

        // "Yes, please" after "Shall I tell you about…?" asks for the topic that was offered.
        var intent = BestIntent(words, unspaced, turn.Turn) ?? (_invited is not null && Accepts(words, unspaced) ? _invited : null);
        _invited = null;
        _lastIntent = intent?.Id;
        var resolvedNow = false;
        foreach (var id in _raised.Where(id => !_resolved.Contains(id)).ToList())
        {
            var objection = _script.Objections.First(o => o.Id == id);
            var answered = intent?.Resolves == id || objection.ResolvedBy.Any(k => TextMatcher.Score(words, unspaced, k) > 0);
            if (answered)
            {
                _resolved.Add(id);
                _openSince.Remove(id);
                resolvedNow = true;
                parts.Add(Acknowledgement(objection));
            }
        }

        // An offer that answers a concern not raised yet (a discount before the price came up) settles it: the
        // intent's own reply answers the offer, and the persona will not complain about what was just conceded.
        if (intent?.Resolves is { } settled && !_raised.Contains(settled))
        {
            _raised.Add(settled);
            _resolved.Add(settled);
        }

        // An answered objection is acknowledged, and that is the answer: the topic line an answer also matches
        // ("we have prebuilt connectors" also names integration) would contradict the acknowledgement.
        // A concern answered convincingly before it came up is settled: the persona acknowledges it and will not raise it.
        foreach (var objection in _script.Objections.Where(o => !_raised.Contains(o.Id)))
        {
            if (objection.ResolvedBy.Sum(k => TextMatcher.Score(words, unspaced, k)) >= PreemptScore)
            {
                _raised.Add(objection.Id);
                _resolved.Add(objection.Id);
                resolvedNow = true;
                parts.Add(Acknowledgement(objection));
            }
        }

        if (intent?.About is { } about && _resolved.Contains(about) && !resolvedNow)
        {
            parts.Add(Acknowledgement(_script.Objections.First(o => o.Id == about))); // "the price?" after a discount
        }
        else if (intent is not null && !resolvedNow)
        {
            // Prefer a reply that names only what the trainee offered; the script's reply still beats none.
            var honest = _offers.Honest(intent.Replies);
            parts.Add(_lines.Pick(intent.Replies, honest.Count > 0 ? honest : intent.Replies));
        }
        else if (intent is null && !resolvedNow && !turn.IsLast && NotUnderstood() is { } nudge)
        {
            parts.Add(nudge); // on the last turn the closing alone answers
        }

        if (intent is not null)
        {
            _discussed.Add(intent.Id);
        }

        if (intent?.Advances is { } stage)
        {
            _stage = stage;
        }

        if (turn.IsLast)
        {
            parts.Add(Closing());
            return Join(parts);
        }

        // Keep one concern on the table: raise the next when none is open; press again when one is ignored.
        var raisedNow = false;
        var open = _raised.Where(id => !_resolved.Contains(id)).ToList();
        if (open.Count == 0 && turn.Turn >= 2)
        {
            var next = _script.Objections.FirstOrDefault(o => !_raised.Contains(o.Id) && (o.Stage is null || o.Stage == _stage))
                ?? _script.Objections.FirstOrDefault(o => !_raised.Contains(o.Id));
            if (next is not null)
            {
                _raised.Add(next.Id);
                _openSince[next.Id] = turn.Turn;
                parts.Add(Pick(next.Raise));
                raisedNow = true;
            }
        }
        else if (open.Count > 0 && !resolvedNow && turn.Turn - _openSince[open[0]] >= 2)
        {
            var pending = _script.Objections.First(o => o.Id == open[0]);
            _openSince[open[0]] = turn.Turn;
            parts.Add(Pick(pending.Raise));
            raisedNow = true;
        }

        // A story-led persona answers a topic and hands the conversation back by offering the next one, unless the
        // reply already asks something. Not after a story beat ("go on" should continue the story), each topic
        // offered once, and no new topics once the drill has reached its last stage.
        if (intent is not null && !raisedNow && !InLastStage && !EndsWithQuestion(parts) && NextInvitation(intent) is { } invited)
        {
            _invited = invited;
            _offered.Add(invited.Id);
            parts.Add(Pick(invited.Invite));
        }

        if (parts.Count == 0)
        {
            parts.Add(_chinese ? "请继续说。" : "Go on, I'm listening.");
        }

        return Join(parts);
    }

    /// <summary>Nothing was recognised: the next story beat, else a nudge for the current stage, else a fallback.</summary>
    private string? NotUnderstood()
    {
        if (_beatsTold < _script.Beats.Count)
        {
            var beat = _script.Beats[_beatsTold++];
            _lines.Record(beat);
            return beat;
        }

        if (_stage is not null && _script.StageFallbacks.TryGetValue(_stage, out var lines) && lines.Count > 0)
        {
            return Pick(lines);
        }

        return _script.Fallbacks.Count > 0 ? Pick(_script.Fallbacks) : null;
    }

    private bool InLastStage => _script.Stages.Count > 1 && _stage == _script.Stages[^1];

    /// <summary>The first topic (in script order) with an invitation that was neither discussed nor offered yet.</summary>
    private ScriptIntent? NextInvitation(ScriptIntent current) =>
        _script.Intents.FirstOrDefault(i => i.Invite.Count > 0 && i != current && !_discussed.Contains(i.Id) && !_offered.Contains(i.Id));

    private bool Accepts(string[] words, string unspaced)
    {
        var yes = _script.Affirmatives.Count > 0 ? _script.Affirmatives : _chinese ? ChineseYes : EnglishYes;
        var no = _chinese ? ChineseNo : EnglishNo;
        return yes.Any(k => TextMatcher.Score(words, unspaced, k) > 0) && !no.Any(k => TextMatcher.Score(words, unspaced, k) > 0);
    }

    private static bool EndsWithQuestion(List<string> parts) =>
        parts.Count > 0 && parts[^1].TrimEnd() is { Length: > 0 } last && (last[^1] == '?' || last[^1] == '？');

    private ScriptIntent? BestIntent(string[] words, string unspaced, int turn)
    {
        ScriptIntent? best = null;
        var bestScore = 0;
        foreach (var intent in _script.Intents.Where(i => !i.FirstTurnOnly || turn <= 1))
        {
            var score = intent.Keywords.Sum(k => TextMatcher.Score(words, unspaced, k));
            if (score == 0)
            {
                continue;
            }

            // Prefer what the drill has not just done, so a repeated phrase does not loop the same answer.
            if (intent.Id == _lastIntent)
            {
                score--;
            }

            // On a tie, a topic not discussed yet is the likelier meaning ("what did people eat" after the city).
            if (score > bestScore || (score == bestScore && best is not null && _discussed.Contains(best.Id) && !_discussed.Contains(intent.Id)))
            {
                best = intent;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The closing that fits what happened: by the stage the drill ended in; else, when concerns were
    /// raised, whether all were answered; a sales drill in which no concern ever came up has nothing to be convinced
    /// of, so it gets the neutral closing line. Never a line naming an offer the trainee did not make.</summary>
    private string Closing()
    {
        var lines = (IReadOnlyList<string>)[];
        if (_script.Closings is { } closings)
        {
            lines = _stage is not null && closings.ByStage.TryGetValue(_stage, out var byStage) && byStage.Count > 0
                ? byStage
                : _raised.Count == 0 && _script.Objections.Count > 0 ? []
                : _raised.All(_resolved.Contains) ? closings.Resolved : closings.Unresolved;
        }

        if (_offers.Honest(lines) is { Count: > 0 } honest)
        {
            return _lines.Pick(lines, honest);
        }

        return _variant.ClosingLine ?? (_chinese ? "今天就到这里，谢谢。" : "Let's leave it there for today. Thank you.");
    }

    /// <summary>Acknowledges an answered concern with a line about what the trainee actually offered.</summary>
    private string Acknowledgement(ScriptObjection objection) =>
        _offers.Honest(objection.Acknowledge) is { Count: > 0 } honest ? _lines.Pick(objection.Acknowledge, honest) : DefaultAcknowledgement();

    private string DefaultAcknowledgement() => Pick(_chinese ? ChineseAcknowledgements : EnglishAcknowledgements);

    private string Pick(IReadOnlyList<string> lines) => _lines.Pick(lines);

    private static string Join(List<string> parts) => string.Join(" ", parts.Where(p => p.Length > 0));

}
