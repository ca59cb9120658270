using System.Runtime.CompilerServices;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// The offline persona engine, and the default. It is a script, not a language model: it recognises intents from
/// the scenario's keyword lists in what the trainee said, keeps the drill's state (stage, objections raised and
/// resolved), and answers with the scenario's own lines — varied, never the same line twice in a row — ending with a
/// closing line that depends on how the drill went. Deterministic per session id, so drills are reproducible.
/// </summary>
public sealed class ScriptedRoleplayAi : IRoleplayAi
{
    public string Name => "scripted";

    public IRoleplayConversation StartConversation(ConversationSetup setup) => new ScriptedConversation(setup.SessionId, setup.Variant);
}

/// <summary>The drill's state as the engine sees it (exposed for tests and diagnostics).</summary>
public sealed record ScriptedState(string? Stage, IReadOnlyCollection<string> Raised, IReadOnlyCollection<string> Resolved, string? LastIntent);

public sealed class ScriptedConversation : IRoleplayConversation
{
    private static readonly ScriptRules Empty = new();

    private readonly ScenarioVariant _variant;
    private readonly ScriptRules _script;
    private readonly Random _random;
    private readonly Dictionary<IReadOnlyList<string>, int> _lastPick = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _raised = [];
    private readonly HashSet<string> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _openSince = new(StringComparer.Ordinal);
    private string? _stage;
    private string? _lastIntent;

    public ScriptedConversation(string sessionId, ScenarioVariant variant)
    {
        _variant = variant;
        _script = variant.Script ?? Empty;
        _stage = _script.Stages.Count > 0 ? _script.Stages[0] : null;
        _random = new Random(StableHash(sessionId));
    }

    public ScriptedState State => new(_stage, [.. _raised], [.. _resolved], _lastIntent);

    public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask;
        yield return Compose(turn);
    }

    public void Commit(AiTurn turn, string reply)
    {
        // The script keeps its own state as it composes; nothing to add from the delivered text.
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Builds the reply: acknowledge an answered objection, answer the recognised intent (or fall back),
    /// raise the next concern when none is open, and close the drill on the last turn.</summary>
    internal string Compose(AiTurn turn)
    {
        var words = TextMatcher.Tokenize(turn.UserText);
        var unspaced = string.Concat(words);
        var parts = new List<string>();

        var intent = BestIntent(words, unspaced);
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
                parts.Add(objection.Acknowledge.Count > 0 ? Pick(objection.Acknowledge) : DefaultAcknowledgement());
            }
        }

        if (intent is not null && !(resolvedNow && intent.Resolves is not null))
        {
            parts.Add(Pick(intent.Replies));
        }
        else if (intent is null && !resolvedNow && _script.Fallbacks.Count > 0)
        {
            parts.Add(Pick(_script.Fallbacks));
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
            }
        }
        else if (open.Count > 0 && !resolvedNow && turn.Turn - _openSince[open[0]] >= 2)
        {
            var pending = _script.Objections.First(o => o.Id == open[0]);
            _openSince[open[0]] = turn.Turn;
            parts.Add(Pick(pending.Raise));
        }

        if (parts.Count == 0)
        {
            parts.Add(_variant.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "请继续说。" : "Go on, I'm listening.");
        }

        return Join(parts);
    }

    private ScriptIntent? BestIntent(string[] words, string unspaced)
    {
        ScriptIntent? best = null;
        var bestScore = 0;
        foreach (var intent in _script.Intents)
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

            if (score > bestScore)
            {
                best = intent;
                bestScore = score;
            }
        }

        return best;
    }

    private string Closing()
    {
        var allResolved = _raised.All(_resolved.Contains);
        var lines = _script.Closings is { } closings ? (allResolved ? closings.Resolved : closings.Unresolved) : [];
        if (lines.Count > 0)
        {
            return Pick(lines);
        }

        return _variant.ClosingLine ?? (_variant.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "今天就到这里，谢谢。" : "Let's leave it there for today. Thank you.");
    }

    private string DefaultAcknowledgement() =>
        _variant.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "好，这一点我明白了。" : "All right, that answers my concern.";

    /// <summary>A line from the list, never the one picked from it last time (when there is a choice).</summary>
    private string Pick(IReadOnlyList<string> lines)
    {
        if (lines.Count == 1)
        {
            return lines[0];
        }

        var last = _lastPick.GetValueOrDefault(lines, -1);
        var index = _random.Next(lines.Count - (last >= 0 ? 1 : 0));
        if (last >= 0 && index >= last)
        {
            index++;
        }

        _lastPick[lines] = index;
        return lines[index];
    }

    private static string Join(List<string> parts) => string.Join(" ", parts.Where(p => p.Length > 0));

    // string.GetHashCode is randomised per process; drills must replay the same way.
    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash & 0x7FFFFFFF;
        }
    }
}
