namespace RoleplayHub.Core;

/// <summary>A recognised word and where it lies in its utterance, in milliseconds from the utterance's start.</summary>
public sealed record WordTiming(string Word, int StartMs, int EndMs);
