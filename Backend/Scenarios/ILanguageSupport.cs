namespace RoleplayHub.Scenarios;

/// <summary>
/// Whether this server can run a drill in a language now — on the drill's configured engine: a realtime model, or a
/// speech recogniser and a voice for the language — and, when not, what to configure. The catalog API says so per
/// variant, so a page offers only what will start.
/// </summary>
public interface ILanguageSupport
{
    LanguageSupport Check(string scenarioId, string language);
}

/// <param name="CanRun">True when a drill in this language would start.</param>
/// <param name="Reason">Why not, naming the provider that would (the same text <c>unsupported-language</c> carries);
/// null when it can run.</param>
public sealed record LanguageSupport(bool CanRun, string? Reason)
{
    public static readonly LanguageSupport Runs = new(true, null);
}
