namespace RoleplayHub.Providers.Realtime;

/// <summary>
/// The realtime speech-to-speech models this service may use, one named profile each (<c>Realtime:Profiles:&lt;name&gt;</c>).
/// A registered singleton; every <see cref="ConnectAsync"/> opens a new upstream conversation.
/// </summary>
public interface IRealtimeModels
{
    /// <summary>The configured profile names (case-insensitive).</summary>
    IReadOnlyCollection<string> Profiles { get; }

    /// <summary>The vendor of a profile (<see cref="RealtimeVendors"/>), or null when no such profile is configured.</summary>
    string? VendorOf(string profile);

    /// <summary>Whether sessions the profile cannot open run on the cascaded engine instead (<see cref="RealtimeProfileOptions.FallbackToCascaded"/>).</summary>
    bool FallsBackToCascaded(string profile);

    /// <summary>Whether the profile's model detects the trainee's speech itself (<see cref="RealtimeProfileOptions.SpeechDetection"/>);
    /// when not, this server's detector ends each turn.</summary>
    bool VendorDetectsSpeech(string profile);

    /// <summary>
    /// Opens a conversation on <paramref name="profile"/> and returns once the vendor has confirmed the configuration
    /// (<c>session.updated</c>, Gemini <c>setupComplete</c>) and <see cref="RealtimeSessionSetup.History"/> has been
    /// sent. Throws <see cref="RealtimeProviderException"/> when the key is refused, the vendor rejects the setup, or
    /// <c>Realtime:ConnectTimeout</c> / <c>Realtime:ConfigureTimeout</c> pass; an unknown profile throws
    /// <see cref="ArgumentException"/>.
    /// </summary>
    Task<IRealtimeConnection> ConnectAsync(string profile, RealtimeSessionSetup setup, CancellationToken ct);
}
