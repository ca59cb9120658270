namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// Picks the scripted engine's lines: at random among the lines not said yet in this session, so a trainee does not
/// hear a line twice while the script has another; once a list is spent, any line but the one it gave last. The same
/// session id picks the same sequence, so a drill replays the same way.
/// </summary>
internal sealed class LinePicker(string sessionId)
{
    private readonly Random _random = new(StableHash(sessionId));
    private readonly Dictionary<IReadOnlyList<string>, string> _lastPick = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);

    /// <summary>Whether the persona has already said <paramref name="line"/> in this session.</summary>
    public bool Said(string line) => _said.Contains(line);

    public string Pick(IReadOnlyList<string> lines) => Pick(lines, lines);

    /// <summary>Picks from <paramref name="eligible"/> (a subset of <paramref name="list"/>, not empty); the list
    /// identifies which line was given last.</summary>
    public string Pick(IReadOnlyList<string> list, IReadOnlyList<string> eligible)
    {
        var fresh = eligible.Where(l => !_said.Contains(l)).ToList();
        var last = _lastPick.GetValueOrDefault(list);
        var candidates = fresh.Count > 0 ? fresh : eligible.Where(l => l != last).ToList();
        if (candidates.Count == 0)
        {
            candidates = [.. eligible];
        }

        var line = candidates.Count == 1 ? candidates[0] : candidates[_random.Next(candidates.Count)];
        _lastPick[list] = line;
        _said.Add(line);
        return line;
    }

    /// <summary>Records a line said without a choice (a story beat), so no later pick repeats it.</summary>
    public void Record(string line) => _said.Add(line);

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
