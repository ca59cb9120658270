using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Pipeline;

/// <summary>
/// The final hypothesis must not be worse than the last partial before it. With server voice detection the recogniser
/// also hears the silence that confirms the stop, and at its end it may name a word in that noise ("…made amiable
/// himself so"). A word the recogniser places after the detector's end of voice was not said, so it is dropped.
/// </summary>
public static class VoiceTail
{
    /// <summary><paramref name="final"/> without the words that start at or after <paramref name="voiceEndMs"/> (ms from
    /// the utterance's first sample); unchanged when it has no word timings or none lies there.</summary>
    public static SpeechHypothesis Trim(SpeechHypothesis final, int voiceEndMs)
    {
        if (final.Words is not { Count: > 0 } words || words[^1].StartMs < voiceEndMs)
        {
            return final;
        }

        var said = words.Where(w => w.StartMs < voiceEndMs).ToList();
        return new SpeechHypothesis(string.Join(' ', said.Select(w => w.Word)), said);
    }
}
