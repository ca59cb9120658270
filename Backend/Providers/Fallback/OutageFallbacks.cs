using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers.Fallback;

/// <summary>
/// Puts each cloud provider (<see cref="ICloudProvider"/>) of a speech stage behind its fallback wrapper when the
/// stage names a fallback (<c>Stt:Fallback</c>, <c>Tts:Fallback</c>). The fallback is looked up here, once, among the
/// stage's providers as registered (it is not wrapped itself, so fallbacks never chain); every other provider, and
/// every provider when no fallback is named, is returned as it is.
/// </summary>
internal static class OutageFallbacks
{
    public static List<ISpeechToText> Apply(IReadOnlyList<ISpeechToText> providers, SpeechStageOptions options, TimeProvider time, ILoggerFactory loggers) =>
        Apply(providers, p => p.Name, options, (primary, fallback) =>
            new FallbackSpeechToText(primary, fallback, options.FallbackCooldown, time, loggers.CreateLogger<FallbackSpeechToText>()));

    public static List<IAvatarSpeech> Apply(IReadOnlyList<IAvatarSpeech> providers, SpeechStageOptions options, TimeProvider time, ILoggerFactory loggers) =>
        Apply(providers, p => p.Name, options, (primary, fallback) =>
            new FallbackAvatarSpeech(primary, fallback, options.FallbackCooldown, time, loggers.CreateLogger<FallbackAvatarSpeech>()));

    private static List<T> Apply<T>(IReadOnlyList<T> providers, Func<T, string> name, SpeechStageOptions options, Func<T, T, T> wrap)
        where T : class
    {
        var fallback = string.IsNullOrWhiteSpace(options.Fallback)
            ? null
            : providers.FirstOrDefault(p => string.Equals(name(p), options.Fallback, StringComparison.OrdinalIgnoreCase));
        return providers
            .Select(p => fallback is null || p is not ICloudProvider || string.Equals(name(p), name(fallback), StringComparison.OrdinalIgnoreCase)
                ? p
                : wrap(p, fallback))
            .ToList();
    }
}
