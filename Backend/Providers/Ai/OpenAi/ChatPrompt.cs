using System.Globalization;
using System.Text;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>One message of the prompt, before it becomes an SDK type (so the prompt can be tested without HTTP).</summary>
public sealed record PromptMessage(PromptRole Role, string Text);

public enum PromptRole
{
    System,
    User,
    Assistant,
}

/// <summary>
/// What the model sees each turn: one system message (the scenario's prompt, the persona, the language, the spoken
/// style, the drill's length, a one-line summary of exchanges that left the window, and on the last turn an instruction
/// to close), then the delivered exchanges that fit the window, oldest first, then what the trainee just said.
/// Everything instructive sits in the single leading system message because several compatible servers reject
/// system messages anywhere else, and the history alternates user/assistant from the start for the same reason —
/// which is why the opening line follows a short stand-in user message.
/// </summary>
public sealed class ChatPrompt(ScenarioVariant variant, int historyTurns, int historyTokens)
{
    private const int SummaryChars = 400;
    private const int SummaryQuoteChars = 80;

    private readonly List<Exchange> _exchanges = [];
    private readonly bool _chinese = variant.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>Records a delivered exchange; committing a turn again (after a retry) replaces it.</summary>
    public void Commit(AiTurn turn, string reply)
    {
        _exchanges.RemoveAll(e => e.Turn == turn.Turn);
        var user = turn.Turn == 0 ? (_chinese ? "（学员加入了对话。）" : "(The trainee joins the conversation.)") : turn.UserText;
        _exchanges.Add(new Exchange(turn.Turn, user, reply));
        _exchanges.Sort((a, b) => a.Turn.CompareTo(b.Turn));
    }

    public IReadOnlyList<PromptMessage> Build(AiTurn turn)
    {
        var previous = _exchanges.Where(e => e.Turn < turn.Turn).ToList();
        var kept = new List<Exchange>();
        var tokens = ApproximateTokens(turn.UserText);
        for (var i = previous.Count - 1; i >= 0 && kept.Count < historyTurns; i--)
        {
            var cost = ApproximateTokens(previous[i].User) + ApproximateTokens(previous[i].Reply);
            if (tokens + cost > historyTokens)
            {
                break;
            }

            tokens += cost;
            kept.Insert(0, previous[i]);
        }

        var dropped = previous.Take(previous.Count - kept.Count).ToList();
        var messages = new List<PromptMessage> { new(PromptRole.System, SystemText(turn, dropped)) };
        foreach (var exchange in kept)
        {
            messages.Add(new PromptMessage(PromptRole.User, exchange.User));
            messages.Add(new PromptMessage(PromptRole.Assistant, exchange.Reply));
        }

        messages.Add(new PromptMessage(PromptRole.User, turn.UserText));
        return messages;
    }

    /// <summary>
    /// A rough token count, good enough to bound context growth without a vendor's tokenizer: Han, kana and hangul
    /// characters count one token each, other text one token per four characters.
    /// </summary>
    public static int ApproximateTokens(string text)
    {
        int wide = 0, other = 0;
        foreach (var c in text)
        {
            if (c >= '\u2E80' && char.IsLetter(c))
            {
                wide++;
            }
            else
            {
                other++;
            }
        }

        return wide + ((other + 3) / 4);
    }

    /// <summary>
    /// The same persona for a model that keeps the conversation itself (a realtime speech-to-speech model): who it is,
    /// its language and spoken style, and the drill's length — set once, so without the exchange number.
    /// </summary>
    public string Instructions(int maxTurns) =>
        PersonaText(heardThroughRecognition: false).Append(CultureInfo.InvariantCulture, $"This drill lasts {maxTurns} exchanges; on the last one, close the conversation in character (a next step or a goodbye).").ToString();

    private string SystemText(AiTurn turn, List<Exchange> dropped)
    {
        var text = PersonaText(heardThroughRecognition: true).Append(CultureInfo.InvariantCulture, $"This drill lasts {turn.MaxTurns} exchanges; this is exchange {turn.Turn}.");
        var summary = Summary(dropped);
        if (summary is not null)
        {
            text.AppendLine().Append(summary);
        }

        if (turn.IsLast)
        {
            text.AppendLine().Append("This is the last exchange: respond to what the trainee said, then close the conversation in character (a next step or a goodbye) and ask no new question.");
        }

        return text.ToString();
    }

    private StringBuilder PersonaText(bool heardThroughRecognition)
    {
        var persona = variant.Persona;
        var text = new StringBuilder(variant.SystemPrompt.Trim()).AppendLine().AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"You are {persona.Name}, {persona.Role}.");
        if (persona.Description.Length > 0)
        {
            text.Append(' ').Append(persona.Description);
        }

        text.AppendLine().Append(CultureInfo.InvariantCulture, $"Always answer in {LanguageName(variant.Language)} ({variant.Language}), whatever language the trainee uses.");
        if (_chinese)
        {
            text.Append(" 请始终用简体中文回答。");
        }

        text.AppendLine()
            .AppendLine("Your words are spoken aloud by an avatar: answer in plain spoken sentences, with no lists, markdown, emoji, stage directions or narration.")
            .AppendLine(heardThroughRecognition
                ? "The trainee's words come from speech recognition and may contain recognition errors; read them charitably and stay in character."
                : "You hear the trainee speak; stay in character.");
        return text;
    }

    /// <summary>Exchanges that left the window, as one line of what the trainee said (no extra model call, no cost).</summary>
    private static string? Summary(List<Exchange> dropped)
    {
        var said = dropped.Where(e => e.Turn > 0).Select(e => e.User.Trim()).Where(u => u.Length > 0).ToList();
        if (dropped.Count == 0)
        {
            return null;
        }

        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Earlier in this conversation ({dropped.Count} older exchanges are not shown)");
        var quoted = 0;
        foreach (var utterance in said)
        {
            var quote = utterance.Length <= SummaryQuoteChars ? utterance : utterance[..SummaryQuoteChars] + "…";
            if (line.Length + quote.Length > SummaryChars)
            {
                break;
            }

            line.Append(quoted == 0 ? ", the trainee said: " : "; ").Append('"').Append(quote).Append('"');
            quoted++;
        }

        if (quoted < said.Count)
        {
            line.Append(CultureInfo.InvariantCulture, $"; and {said.Count - quoted} more");
        }

        return line.Append('.').ToString();
    }

    private static string LanguageName(string tag)
    {
        try
        {
            return CultureInfo.GetCultureInfo(tag).EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }

    private sealed record Exchange(int Turn, string User, string Reply);
}
