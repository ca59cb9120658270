namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// Picks the scripted engine's lines: at random, but never the line picked from the same list last time (when there
/// is a choice), and the same sequence for the same session id, so a drill replays the same way.
/// </summary>
internal sealed class LinePicker(string sessionId)
{
    private readonly Random _random = new(StableHash(sessionId));
    private readonly Dictionary<IReadOnlyList<string>, int> _lastPick = new(ReferenceEqualityComparer.Instance);

    public string Pick(IReadOnlyList<string> lines)
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
