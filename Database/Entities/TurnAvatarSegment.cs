namespace RoleplayHub.Database.Entities;

/// <summary>One spoken sentence of a reply (stored as JSON in the turn's row).</summary>
public sealed class TurnAvatarSegment
{
    public int Segment { get; set; }

    public required string Text { get; set; }

    /// <summary>Media key of the synthesised audio.</summary>
    public required string AudioKey { get; set; }

    /// <summary>A video avatar provider's URL, kept as given.</summary>
    public string? VideoUrl { get; set; }

    public int DurationMs { get; set; }

    public required string MimeType { get; set; }
}
