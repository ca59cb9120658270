namespace RoleplayHub.Http;

/// <summary>
/// Problem details that repeat what the client sent keep only its beginning: a bad value of 300 KB should not come
/// back as a 300 KB answer (amplification, and a log or a screen flooded with it).
/// </summary>
public static class ProblemText
{
    /// <summary>Longest input value quoted in a message.</summary>
    public const int MaxQuoted = 64;

    /// <summary>Longest title or detail of any problem this service writes.</summary>
    public const int MaxText = 512;

    /// <summary>A client's value, as far as a message needs it to be recognised.</summary>
    public static string Quote(string value) => Shorten(value, MaxQuoted);

    public static string Shorten(string value, int max = MaxText) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), $"… ({value.Length} characters)");
}
