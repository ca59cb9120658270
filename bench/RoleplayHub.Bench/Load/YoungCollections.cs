using System.Text.Json;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// The server's young collections in the hold, as <c>/api/stats</c> reports its last one (<c>lastYoungCollection</c>)
/// on each poll, once a second: how many of each generation were seen, what each copied (the bytes that survived it)
/// and how long it paused the server. Their pauses are the tail of every latency the report prints; what they copy is
/// what a change to the turn's state moves. Two collections within one poll count once.
/// </summary>
internal static class YoungCollections
{
    public static string? Summarize(IReadOnlyList<JsonElement> statsInHold)
    {
        var seen = new Dictionary<long, (int Generation, long Promoted, double PauseMs)>();
        foreach (var stats in statsInHold)
        {
            if (stats.TryGetProperty("lastYoungCollection", out var last) && last.ValueKind == JsonValueKind.Object)
            {
                seen[last.GetProperty("index").GetInt64()] = (last.GetProperty("generation").GetInt32(), last.GetProperty("promotedBytes").GetInt64(), last.GetProperty("pauseMs").GetDouble());
            }
        }

        if (statsInHold.Count > 0 && statsInHold[0].TryGetProperty("lastYoungCollection", out var before) && before.ValueKind == JsonValueKind.Object)
        {
            seen.Remove(before.GetProperty("index").GetInt64()); // it ran before the hold began
        }

        if (seen.Count == 0)
        {
            return null;
        }

        var generations = seen.Values.GroupBy(c => c.Generation).OrderBy(g => g.Key).Select(g =>
            $"gen{g.Key} {g.Count()}, each copying {g.Average(c => c.Promoted) / 1048576.0:0.00} MB and pausing {g.Average(c => c.PauseMs):0.0} ms " +
            $"(max {g.Max(c => c.PauseMs):0.0})");
        return $"server young collections seen in hold: {string.Join("; ", generations)}";
    }
}
