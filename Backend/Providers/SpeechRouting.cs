namespace RoleplayHub.Providers;

/// <summary>
/// Whether a speech stage's configuration can ever hand work to a provider: as the default (<c>Stt:Provider</c>) for a
/// language it speaks that no <c>ByLanguage</c> entry takes elsewhere, as a language's own provider, or as the
/// outage fallback. A provider no session can reach is reported "unused" by <c>/readyz</c>, never "ready", and its
/// health does not decide the node's readiness.
/// </summary>
public static class SpeechRouting
{
    /// <summary>Whether <paramref name="stage"/> can hand work to <paramref name="provider"/>, whose
    /// <paramref name="languages"/> are those it speaks, or null when it speaks nearly any (espeak-ng): then being the
    /// default is enough.</summary>
    public static bool Reaches(SpeechStageOptions stage, string provider, IReadOnlyCollection<string>? languages)
    {
        if (Is(stage.Fallback, provider) || stage.ByLanguage.Values.Any(p => Is(p, provider)))
        {
            return true;
        }

        return Is(stage.Provider, provider) && (languages is null || languages.Any(l => !stage.ByLanguage.ContainsKey(l)));
    }

    private static bool Is(string? configured, string provider) => string.Equals(configured, provider, StringComparison.OrdinalIgnoreCase);
}
