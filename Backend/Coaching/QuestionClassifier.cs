using RoleplayHub.Providers.Ai.Scripted;

namespace RoleplayHub.Coaching;

/// <summary>
/// Whether a sentence is a question, and open (invites an explanation: what, why, how …, 什么, 为什么, 怎么 …) or
/// closed (invites yes/no: do you, can you …, 吗, 是不是 …). Recognisers often write no question mark, so the
/// words decide as well: an English sentence is a question when it ends with "?" or starts (after a discourse word
/// such as "so", "and" or a hesitation such as "um") with a question word or an auxiliary; "what we offer is …" — a wh-word followed by
/// "we"/"I" without a "?" — is a statement. A Chinese sentence is a question when it ends with ？, 吗 or 呢, or holds
/// a question word.
/// </summary>
public static class QuestionClassifier
{
    private static readonly string[][] OpenLeads = [.. new[] { "what", "why", "how", "which", "where", "when", "who", "whom", "whose", "tell me", "describe", "explain", "walk me through", "help me understand" }
        .Select(lead => lead.Split(' '))];
    private static readonly HashSet<string> ClosedLeads = ["is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "would", "will", "should", "shall", "may", "might", "have", "has", "had", "isnt", "arent", "dont", "doesnt", "didnt", "cant", "couldnt", "wouldnt", "wont", "shouldnt"];
    private static readonly HashSet<string> Discourse = ["so", "and", "but", "ok", "okay", "well", "then", "now", "alright", "right", "also", "um", "uh", "er", "erm", "ah", "hmm"];
    private static readonly HashSet<string> StatementSubjects = ["we", "i", "weve", "were"];
    private static readonly string[] OpenZh = ["什么", "为什么", "怎么", "怎样", "如何", "哪", "多少", "谁", "为何"];
    private static readonly string[] ClosedZh = ["是不是", "有没有", "能不能", "可不可以", "会不会", "要不要", "是否", "对不对", "好不好"];

    public static QuestionKind Classify(string sentence) => Classify(sentence, MatchText.Of(sentence));

    /// <summary>The kind of <paramref name="sentence"/>, whose words a drill has already prepared for matching.</summary>
    public static QuestionKind Classify(string sentence, MatchText prepared)
    {
        var end = sentence.AsSpan().TrimEnd();
        var marked = end.EndsWith('?') || end.EndsWith('？');
        return Units.HasCjk(sentence) ? Chinese(Units.Unspaced(sentence), marked) : English(prepared.Words, marked);
    }

    private static QuestionKind English(string[] words, bool marked)
    {
        var start = 0;
        while (start < words.Length - 1 && Discourse.Contains(words[start]))
        {
            start++;
        }

        if (start >= words.Length)
        {
            return marked ? QuestionKind.Closed : QuestionKind.None;
        }

        if (StartsWithOpenLead(words.AsSpan(start)))
        {
            var statement = !marked && start + 1 < words.Length && StatementSubjects.Contains(words[start + 1]);
            return statement ? QuestionKind.None : QuestionKind.Open;
        }

        return marked || ClosedLeads.Contains(words[start]) ? QuestionKind.Closed : QuestionKind.None;
    }

    // Compared word by word, without joining the words: the report classifies every sentence of a drill when the
    // session ends.
    private static bool StartsWithOpenLead(ReadOnlySpan<string> words)
    {
        foreach (var lead in OpenLeads)
        {
            if (words.StartsWith(lead))
            {
                return true;
            }
        }

        return false;
    }

    private static QuestionKind Chinese(string text, bool marked)
    {
        var body = text.TrimEnd('？', '?', '。', '！', '!', '.');
        var open = OpenZh.Any(body.Contains) || body.EndsWith('呢');
        var closed = ClosedZh.Any(body.Contains) || body.EndsWith('吗');
        if (closed && !body.EndsWith('呢'))
        {
            return QuestionKind.Closed; // "你们是不是考虑过什么方案" asks for a yes or a no first
        }

        if (open)
        {
            return QuestionKind.Open;
        }

        return marked ? QuestionKind.Closed : QuestionKind.None;
    }
}
