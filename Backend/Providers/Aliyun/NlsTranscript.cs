namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// What one transcription task has heard so far: its finished sentences and the sentence in progress. Written by the
/// task's receive loop and read by the recogniser on every audio chunk, so it is locked, and the joined text is kept
/// until a result changes it.
/// </summary>
internal sealed class NlsTranscript
{
    private readonly Lock _gate = new();
    private readonly List<SentencePayload> _sentences = [];
    private string _partial = "";
    private string? _text; // Text()'s cached result, reset when a result arrives
    private string? _textSeparator;

    public string Text(string separator)
    {
        lock (_gate)
        {
            if (_text is null || _textSeparator != separator)
            {
                _text = string.Join(separator, _sentences.Select(s => s.Result ?? "").Append(_partial).Where(t => t.Length > 0));
                _textSeparator = separator;
            }

            return _text;
        }
    }

    public IReadOnlyList<NlsWord> Words()
    {
        lock (_gate)
        {
            return [.. _sentences.SelectMany(s => s.Words ?? [])];
        }
    }

    /// <summary><c>TranscriptionResultChanged</c>: the sentence in progress so far.</summary>
    public void Change(SentencePayload? sentence)
    {
        lock (_gate)
        {
            _partial = sentence?.Result ?? _partial;
            _text = null;
        }
    }

    /// <summary><c>SentenceEnd</c>: the sentence is final.</summary>
    public void End(SentencePayload? sentence)
    {
        if (sentence is null)
        {
            return;
        }

        lock (_gate)
        {
            _sentences.Add(sentence);
            _partial = "";
            _text = null;
        }
    }
}
