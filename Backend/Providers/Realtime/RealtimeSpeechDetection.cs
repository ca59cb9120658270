namespace RoleplayHub.Providers.Realtime;

/// <summary>The values of <see cref="RealtimeProfileOptions.SpeechDetection"/>.</summary>
public static class RealtimeSpeechDetection
{
    /// <summary>The model's own voice activity detection ends turns.</summary>
    public const string Vendor = "vendor";

    /// <summary>This server's detector ends turns and commits them; the vendor's detection is switched off.</summary>
    public const string Server = "server";
}
