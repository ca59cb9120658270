using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers.Fallback;

/// <summary>
/// The offline provider that takes over when a cloud provider has an outage. Bound from the <c>Stt</c> and
/// <c>Tts</c> sections next to the provider choice: <c>Stt:Fallback=pocketsphinx</c>, <c>Tts:Fallback=espeak</c>.
/// </summary>
public sealed class SpeechFallbackOptions
{
    /// <summary>Provider name, or empty for no fallback (an outage is then reported as a retryable error).</summary>
    public string? Fallback { get; set; }

    /// <summary>After an outage, how long new utterances/segments go straight to the fallback before the cloud
    /// provider is tried again.</summary>
    public TimeSpan FallbackCooldown { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ValidateSpeechFallbackOptions(IServiceProvider services) : IValidateOptions<SpeechFallbackOptions>
{
    public ValidateOptionsResult Validate(string? name, SpeechFallbackOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Fallback))
        {
            return ValidateOptionsResult.Success;
        }

        // Resolved here, not injected: the providers are the fallback wrappers' own dependents.
        var known = name == FallbackNames.Stt
            ? services.GetServices<ISpeechToText>().Select(p => p.Name)
            : services.GetServices<IAvatarSpeech>().Select(p => p.Name);
        var list = known.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!list.Contains(options.Fallback, StringComparer.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"{name}:Fallback '{options.Fallback}' is not a provider; available: {string.Join(", ", list)}.");
        }

        return options.FallbackCooldown < TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{name}:FallbackCooldown must not be negative.")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Named options: one <see cref="SpeechFallbackOptions"/> per stage, bound from the stage's section.</summary>
public static class FallbackNames
{
    public const string Stt = "Stt";
    public const string Tts = "Tts";
}

/// <summary>Opens after an outage so the next calls skip the failing provider for a while (shared by all sessions).</summary>
internal sealed class OutageBreaker(TimeProvider time)
{
    private long _openUntilTicks;

    public bool IsOpen => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _openUntilTicks);

    public void Trip(TimeSpan cooldown) => Interlocked.Exchange(ref _openUntilTicks, (time.GetUtcNow() + cooldown).UtcTicks);
}
