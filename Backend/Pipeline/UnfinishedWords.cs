namespace RoleplayHub.Pipeline;

/// <summary>
/// semantic-vad's judge of whether the trainee's words so far end a sentence. A word list is a crude stand-in for an
/// end-of-turn model (LiveKit's, Pipecat's Smart Turn: none is served here), but it catches the pauses that most
/// often cut a speaker off: the one after "and", "the", "because", "um".
/// </summary>
public sealed class UnfinishedWords
{
    private static readonly char[] Separators = [' ', ',', '.', '!', '?', ';', ':', '，', '。', '！', '？', '；', '、', '…'];
    private readonly HashSet<string> _words;
    private readonly string[] _chineseEndings;

    public UnfinishedWords(IEnumerable<string> words)
    {
        var all = words.Select(w => w.Trim()).Where(w => w.Length > 0).ToList();
        _chineseEndings = all.Where(IsChinese).ToArray();
        _words = all.Where(w => !IsChinese(w)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="text"/> ends on a word a sentence does not end on. A question mark or a
    /// full stop the recogniser wrote ends it whatever the word. Runs on every new partial: it allocates nothing.</summary>
    public bool EndsUnfinished(string text)
    {
        var trimmed = text.TrimEnd();
        if (trimmed.Length == 0 || trimmed[^1] is '?' or '.' or '!' or '？' or '。' or '！')
        {
            return false;
        }

        var end = trimmed.AsSpan().TrimEnd(Separators);
        var last = end[(end.LastIndexOfAny(Separators) + 1)..];
        if (_words.GetAlternateLookup<ReadOnlySpan<char>>().Contains(last))
        {
            return true;
        }

        foreach (var ending in _chineseEndings)
        {
            if (last.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsChinese(string word) => word.Any(c => c >= '\u4e00' && c <= '\u9fff');
}
