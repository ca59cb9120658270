using System.Globalization;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// The NLS access token shared by every session: fetched with CreateToken (POP RPC, HMAC-SHA1), cached, and
/// replaced <see cref="AliyunOptions.TokenRefreshMargin"/> before its <c>ExpireTime</c>. Concurrent callers share one
/// fetch, and its failure. A service that rejects the token (expired early, revoked) calls <see cref="Invalidate"/> and tries once more
/// with a fresh one.
/// </summary>
public sealed class NlsTokenProvider(
    HttpClient http,
    IOptions<AliyunOptions> options,
    TimeProvider time,
    ILogger<NlsTokenProvider> logger)
{
    private readonly Lock _lock = new();
    private Task<NlsToken>? _fetch; // the one fetch in flight (or the last one), shared by every caller
    private volatile NlsToken? _current;

    public async ValueTask<NlsToken> GetAsync(CancellationToken cancellationToken)
    {
        var token = _current;
        if (token is not null && IsFresh(token))
        {
            return token;
        }

        Task<NlsToken> fetch;
        lock (_lock)
        {
            token = _current;
            if (token is not null && IsFresh(token))
            {
                return token;
            }

            // Callers join the fetch in flight, so during an outage they all fail together after one
            // RequestTimeout instead of queueing one timeout each; a finished (failed or stale) fetch is replaced.
            if (_fetch is null || _fetch.IsCompleted)
            {
                _fetch = FetchAsync();
            }

            fetch = _fetch;
        }

        return await fetch.WaitAsync(cancellationToken);
    }

    private async Task<NlsToken> FetchAsync()
    {
        // Not cancelled by the caller that started it: others wait on it too (it is bounded by RequestTimeout).
        var token = await CreateAsync(CancellationToken.None);
        _current = token;
        return token;
    }

    /// <summary>Drops <paramref name="rejected"/> from the cache (if it is still the cached one), so the next
    /// <see cref="GetAsync"/> fetches a new token.</summary>
    public void Invalidate(NlsToken rejected)
    {
        if (Interlocked.CompareExchange(ref _current, null, rejected) == rejected)
        {
            logger.LogInformation("NLS token expiring {ExpiresAt:u} was rejected by the service; a new one will be fetched", rejected.ExpiresAt);
        }
    }

    // A token is replaced TokenRefreshMargin before it expires, or halfway through its life if that is shorter.
    private bool IsFresh(NlsToken token) =>
        time.GetUtcNow() < token.ExpiresAt - TimeSpan.FromTicks(Math.Min(options.Value.TokenRefreshMargin.Ticks, (token.ExpiresAt - token.FetchedAt).Ticks / 2));

    private async Task<NlsToken> CreateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.AccessKeyId) || string.IsNullOrEmpty(o.AccessKeySecret))
        {
            throw new NlsTokenException("Aliyun:AccessKeyId and Aliyun:AccessKeySecret are not configured.", retryable: false);
        }

        var parameters = new List<KeyValuePair<string, string>>
        {
            new("AccessKeyId", o.AccessKeyId),
            new("Action", "CreateToken"),
            new("Format", "JSON"),
            new("RegionId", o.Region),
            new("SignatureMethod", "HMAC-SHA1"),
            new("SignatureNonce", Guid.NewGuid().ToString()),
            new("SignatureVersion", "1.0"),
            new("Timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new("Version", "2019-02-28"),
        };
        if (!string.IsNullOrEmpty(o.SecurityToken))
        {
            parameters.Add(new("SecurityToken", o.SecurityToken));
        }

        parameters.Add(new("Signature", PopSigner.Sign("POST", parameters, o.AccessKeySecret)));

        HttpResponseMessage response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.RequestTimeout);
            response = await http.PostAsync(o.TokenEndpoint, new FormUrlEncodedContent(parameters), timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new NlsTokenException($"The NLS token service at {o.TokenEndpoint.Host} could not be reached: {ex.Message}", retryable: true, ex);
        }

        using (response)
        {
            CreateTokenResponse? body = null;
            try
            {
                body = await response.Content.ReadFromJsonAsync<CreateTokenResponse>(cancellationToken);
            }
            catch (System.Text.Json.JsonException)
            {
            }

            if (!response.IsSuccessStatusCode || body?.Token?.Id is not { Length: > 0 } id)
            {
                var reason = body?.Code is { } code ? $"{code}: {body.Message}" : body?.ErrMsg is { Length: > 0 } err ? err : "no token in the reply";
                throw new NlsTokenException(
                    $"The NLS token service refused CreateToken (HTTP {(int)response.StatusCode}, {reason}); check Aliyun:AccessKeyId/AccessKeySecret, the clock and the NLS activation.",
                    retryable: (int)response.StatusCode >= 500);
            }

            var token = new NlsToken(id, DateTimeOffset.FromUnixTimeSeconds(body.Token.ExpireTime), time.GetUtcNow());
            logger.LogInformation("Fetched an NLS token expiring {ExpiresAt:u}", token.ExpiresAt);
            return token;
        }
    }
}
