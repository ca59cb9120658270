using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Realtime.OpenAi;

namespace RoleplayHub.Providers.Realtime;

/// <summary>Opens conversations on the configured profiles, choosing the client of the profile's protocol family.</summary>
public sealed class RealtimeModels(IOptions<RealtimeOptions> options, ILogger<RealtimeModels> log) : IRealtimeModels
{
    private readonly RealtimeOptions _options = options.Value;

    public IReadOnlyCollection<string> Profiles => _options.Profiles.Keys;

    public string? VendorOf(string profile) => _options.Profiles.GetValueOrDefault(profile)?.Vendor?.ToLowerInvariant();

    public bool FallsBackToCascaded(string profile) => _options.Profiles.GetValueOrDefault(profile)?.FallbackToCascaded ?? false;

    public bool VendorDetectsSpeech(string profile) => _options.Profiles.GetValueOrDefault(profile) is { } p
        && (p.SpeechDetection ?? (string.Equals(p.Vendor, RealtimeVendors.Glm, StringComparison.OrdinalIgnoreCase) ? RealtimeSpeechDetection.Server : RealtimeSpeechDetection.Vendor))
            == RealtimeSpeechDetection.Vendor;

    public async Task<IRealtimeConnection> ConnectAsync(string profile, RealtimeSessionSetup setup, CancellationToken ct)
    {
        if (!_options.Profiles.TryGetValue(profile, out var p))
        {
            throw new ArgumentException($"No realtime profile '{profile}' is configured (Realtime:Profiles:{profile}).", nameof(profile));
        }

        var vendor = p.Vendor!.ToLowerInvariant();
        try
        {
            IRealtimeConnection connection = vendor == RealtimeVendors.Gemini
                ? await Gemini.GeminiLiveConnection.OpenAsync(p, _options, setup, ct)
                : await OpenAiRealtimeConnection.OpenAsync(OpenAiDialect.For(vendor), p, _options, setup, ct);
            log.LogInformation("Realtime profile {Profile} ({Vendor}, {Model}) connected", profile, vendor, p.Deployment ?? p.Model);
            return connection;
        }
        catch (RealtimeProviderException ex)
        {
            // The key is never in these messages; the profile path says what to check.
            log.LogWarning("Realtime profile {Profile} ({Vendor}, {Model}) could not connect: {Message} (check Realtime:Profiles:{Profile})",
                profile, vendor, p.Deployment ?? p.Model, ex.Message, profile);
            throw;
        }
    }
}
