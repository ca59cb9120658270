namespace RoleplayHub.Coaching;

/// <summary>
/// Whether a quote really occurs in what the trainee said: in the turn it names, else in any trainee turn (the turn
/// is then corrected). Case and runs of whitespace are ignored, and quotation marks or end punctuation a model adds
/// around a quote are stripped; nothing else is forgiven — a paraphrase is not a quote.
/// </summary>
public static class EvidenceCheck
{
    private static readonly char[] Wrapping = ['"', '\'', '“', '”', '‘', '’', '「', '」', '『', '』', '《', '》', ' ', '.', ',', '。', '，', '…'];

    /// <summary>The quote as the transcript has it and its turn, or null when no trainee turn holds it.</summary>
    public static (int Turn, string Quote)? Locate(string? quote, int? turn, DrillTurns drill)
    {
        var needle = Collapse(quote?.Trim(Wrapping) ?? "");
        if (needle.Length < 2)
        {
            return null;
        }

        var candidates = drill.Trainee.OrderBy(t => t.Turn == turn ? 0 : 1).ThenBy(t => t.Turn);
        foreach (var candidate in candidates)
        {
            var text = Collapse(candidate.UserText);
            var at = text.IndexOf(needle, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                return (candidate.Turn, text.Substring(at, needle.Length));
            }
        }

        return null;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
