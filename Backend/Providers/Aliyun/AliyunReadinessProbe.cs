using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Readiness of NLS when a speech stage is routed to it: the configuration is complete and a token can be had (the
/// cached one, so a probe costs a token-service call only when the token is due for renewal anyway).
/// </summary>
public sealed class AliyunReadinessProbe(
    NlsTokenProvider tokens,
    IOptions<AliyunOptions> aliyun,
    IOptions<SttOptions> stt,
    IOptions<TtsOptions> tts) : IReadinessProbe
{
    public string Name => "speech:aliyun";

    public async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var languages = ValidateAliyunOptions.RoutedLanguages(stt.Value.Provider, stt.Value.ByLanguage)
            .Concat(ValidateAliyunOptions.RoutedLanguages(tts.Value.Provider, tts.Value.ByLanguage)).ToList();
        if (languages.Count == 0)
        {
            return null; // not in use
        }

        var missing = languages.Where(l => aliyun.Value.AppKeyFor(l) is null).Distinct().ToList();
        if (missing.Count > 0)
        {
            return $"Aliyun:AppKeys is missing {string.Join(", ", missing)}.";
        }

        try
        {
            await tokens.GetAsync(cancellationToken);
            return null;
        }
        catch (NlsTokenException ex)
        {
            return ex.Message;
        }
    }
}
