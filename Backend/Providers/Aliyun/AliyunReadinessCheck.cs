using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RoleplayHub.Health;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Readiness of NLS when a speech stage is routed to it: the configuration is complete and a token can be had (the
/// cached one, so a check costs a token-service call only when the token is due for renewal anyway). Not routed to:
/// <see cref="Readiness.Unused"/>.
/// </summary>
public sealed class AliyunReadinessCheck(
    NlsTokenProvider tokens,
    IOptions<AliyunOptions> aliyun,
    IOptions<SttProviderOptions> stt,
    IOptions<TtsProviderOptions> tts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var languages = ValidateAliyunOptions.RoutedLanguages(stt.Value.Provider, stt.Value.ByLanguage)
            .Concat(ValidateAliyunOptions.RoutedLanguages(tts.Value.Provider, tts.Value.ByLanguage)).ToList();
        if (languages.Count == 0)
        {
            return HealthCheckResult.Healthy(Readiness.Unused);
        }

        var missing = languages.Where(l => aliyun.Value.AppKeyFor(l) is null).Distinct().ToList();
        if (missing.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"Aliyun:AppKeys is missing {string.Join(", ", missing)}.");
        }

        try
        {
            await tokens.GetAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NlsTokenException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
