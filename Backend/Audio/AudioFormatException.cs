namespace RoleplayHub.Audio;

/// <summary>The audio does not match its declared format (bad header, wrong codec, truncated data…).</summary>
public sealed class AudioFormatException(string message) : Exception(message);
