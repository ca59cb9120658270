namespace RoleplayHub.Database.Entities;

/// <summary>A recognised word, in milliseconds from the start of the utterance (stored as JSON in the turn's row).</summary>
public sealed class TurnWord
{
    public required string Word { get; set; }

    public int StartMs { get; set; }

    public int EndMs { get; set; }
}
