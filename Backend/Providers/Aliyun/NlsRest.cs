using System.Runtime.CompilerServices;
using Polly;
using RoleplayHub.Resilience;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>What one try of an NLS REST call gave: its value, or the NLS status and message of its failure.</summary>
internal readonly record struct NlsReply<T>(T? Value, string? Failure, int Status, int HttpStatus, string Message)
{
    public static NlsReply<T> Success(T value) => new(value, null, NlsStatus.Success, 200, "");

    public static NlsReply<T> Failed(string failure, int status, int httpStatus, string message) => new(default, failure, status, httpStatus, message);
}

/// <summary>A failure of an NLS call after the retry policy, with whether a later try could succeed.</summary>
internal sealed class NlsCallException(string message, bool retryable) : Exception(message)
{
    public bool Retryable { get; } = retryable;
}

/// <summary>
/// One NLS REST call under a retry pipeline (<see cref="Resilience.CloudRetry"/>, transient: <see cref="IsTransient"/>):
/// a token the service rejects is refreshed once per call without using up a try; unreachable, timed-out, 5xx and NLS
/// server-error answers are transient; anything else fails at once.
/// </summary>
internal static class NlsRest
{
    public static bool IsTransient(Exception exception) => exception is NlsCallException { Retryable: true };

    /// <summary>Runs <paramref name="tryOnce"/> (one request with its own timeout) under <paramref name="retry"/> until it
    /// succeeds or the pipeline gives up with <see cref="NlsCallException"/>.</summary>
    public static Task<T> CallAsync<T>(NlsTokenProvider tokens, ResiliencePipeline retry, string subject,
        Func<NlsToken, CancellationToken, Task<NlsReply<T>>> tryOnce, CancellationToken cancellationToken)
    {
        var tokenRefreshed = new StrongBox<bool>();
        return retry.ExecuteAsync(subject, cancel => TryOnceAsync(tokens, tokenRefreshed, tryOnce, cancel), cancellationToken);
    }

    private static async Task<T> TryOnceAsync<T>(NlsTokenProvider tokens, StrongBox<bool> tokenRefreshed,
        Func<NlsToken, CancellationToken, Task<NlsReply<T>>> tryOnce, CancellationToken cancellationToken)
    {
        while (true)
        {
            string failure;
            bool retryable;
            try
            {
                var token = await tokens.GetAsync(cancellationToken);
                var reply = await tryOnce(token, cancellationToken);
                if (reply.Failure is null)
                {
                    return reply.Value!;
                }

                if (NlsStatus.IsTokenProblem(reply.Status, reply.Message) && !tokenRefreshed.Value)
                {
                    tokens.Invalidate(token);
                    tokenRefreshed.Value = true;
                    continue;
                }

                failure = reply.Failure;
                retryable = NlsStatus.IsRetryable(reply.Status) || reply.HttpStatus >= 500;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = $"the NLS gateway could not be reached: {ex.Message}";
                retryable = true;
            }
            catch (NlsTokenException ex)
            {
                failure = ex.Message;
                retryable = ex.Retryable;
            }

            throw new NlsCallException(failure, retryable);
        }
    }

    /// <summary>The JSON body of an NLS REST answer, or null when it is not one (a proxy's HTML error page).</summary>
    public static async Task<NlsRestResult?> ReadResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<NlsRestResult>(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
