namespace RoleplayHub.Audio;

/// <summary>Bound from <c>Audio:Ffmpeg</c>.</summary>
public sealed class FfmpegOptions
{
    public const string Section = "Audio:Ffmpeg";

    public string Path { get; set; } = "ffmpeg";

    /// <summary>Longest wait, at the end of an utterance, for ffmpeg to decode what it holds and exit.</summary>
    public TimeSpan MaxSettle { get; set; } = TimeSpan.FromSeconds(5);
}
