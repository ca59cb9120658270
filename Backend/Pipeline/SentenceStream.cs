using System.Text;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Cuts a reply into sentences while it is still being written, by the rules of <see cref="SentenceSplitter"/>
/// (English and Chinese punctuation, abbreviations, very short sentences joined to the next).
/// <para>Invariant: a sentence is released only once text follows it, so every sentence released by
/// <see cref="Append"/> has a successor, and the last sentence of a reply is the last one <see cref="Complete"/>
/// releases — a speaker can mark it last without waiting.</para>
/// </summary>
public sealed class SentenceStream(int minChars)
{
    private readonly StringBuilder _current = new();   // the sentence being written
    private readonly List<string> _closed = [];        // ended, waiting for text after them
    private char? _held;                               // a '.', '!' or '?' whose next character decides whether it ends a sentence
    private int _released;                             // sentences released so far
    private string? _first;                            // the first of them

    /// <summary>Adds the next piece of the reply; returns the sentences it released (often none).</summary>
    public IReadOnlyList<string> Append(ReadOnlySpan<char> text)
    {
        List<string>? released = null;
        foreach (var c in text)
        {
            if (_held is { } held)
            {
                _held = null;
                if (char.IsWhiteSpace(c) || c is '"' or '\'' or ')')
                {
                    Close();
                }
            }

            if (!char.IsWhiteSpace(c) && _closed.Count > 0)
            {
                (released ??= []).AddRange(_closed);
                Released(_closed);
                _closed.Clear();
            }

            _current.Append(c);
            if (c is '。' or '！' or '？' or '；' or '\n')
            {
                Close();
            }
            else if (c is '.' or '!' or '?')
            {
                _held = c;
            }
        }

        return released ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The reply is complete: every sentence not yet released, the last one last.</summary>
    public IReadOnlyList<string> Complete()
    {
        _held = null;
        var rest = _current.ToString().Trim();
        _current.Clear();
        if (rest.Length > 0)
        {
            _closed.Add(rest);
        }

        var released = _closed.ToList();
        Released(_closed);
        _closed.Clear();
        return released;
    }

    /// <summary>The whole reply, <paramref name="written"/> trimmed, once <see cref="Complete"/> has released its last
    /// sentence. A reply of one sentence is that sentence's string: the reply and its spoken sentence are both kept as
    /// long as the session (the coaching capture, the events kept for a resume), and a copy would be promoted with
    /// them by every young collection.</summary>
    public string Text(StringBuilder written)
    {
        var text = written.ToString().Trim();
        return _released == 1 && _first == text ? _first : text;
    }

    private void Released(List<string> sentences)
    {
        _first ??= sentences.Count > 0 ? sentences[0] : null;
        _released += sentences.Count;
    }

    /// <summary>The sentence in <see cref="_current"/> ends here, unless it is an abbreviation or too short to be a
    /// clip of its own (then it runs on into the next).</summary>
    private void Close()
    {
        if (SentenceSplitter.IsAbbreviation(_current))
        {
            return;
        }

        var sentence = _current.ToString().Trim();
        if (sentence.Length == 0 || sentence.Length < minChars)
        {
            return;
        }

        _closed.Add(sentence);
        _current.Clear();
    }
}
