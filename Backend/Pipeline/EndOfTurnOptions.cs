namespace RoleplayHub.Pipeline;

/// <summary>
/// What semantic-vad listens for (docs/turn-taking.md). Bound from <c>EndOfTurn</c>. A turn whose latest words end on
/// one of <see cref="UnfinishedWords"/> sounds unfinished, and the server waits the longer silence before it answers.
/// </summary>
public sealed class EndOfTurnOptions
{
    public const string Section = "EndOfTurn";

    /// <summary>Words a sentence does not end on: articles, conjunctions, prepositions, subject pronouns, auxiliaries,
    /// hesitations; and Chinese connectives and fillers, matched at the end of the text (Chinese has no spaces).
    /// Settings add to the list.</summary>
    public List<string> UnfinishedWords { get; set; } =
    [
        "a", "an", "the", "and", "but", "or", "nor", "so", "because", "if", "although", "though", "unless", "until",
        "while", "whereas", "that", "which", "who", "whose", "than", "to", "of", "in", "on", "at", "for", "with",
        "from", "by", "about", "into", "onto", "over", "under", "between", "through", "during", "without", "like",
        "as", "i", "we", "they", "he", "she", "my", "our", "your", "their", "his", "its", "is", "are", "was", "were",
        "am", "be", "been", "will", "would", "can", "could", "should", "shall", "may", "might", "must", "have", "has",
        "had", "do", "does", "did", "not", "very", "really", "just", "also", "um", "uh", "er", "erm",
        "和", "跟", "但是", "可是", "不过", "因为", "所以", "然后", "如果", "而且", "或者", "还是", "那个", "这个", "就是", "的话",
        "嗯", "呃", "我", "我们", "你", "你们", "在", "把", "被", "对于", "关于",
    ];
}
