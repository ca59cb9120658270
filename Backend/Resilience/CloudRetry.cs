using Polly;
using Polly.Retry;

namespace RoleplayHub.Resilience;

/// <summary>
/// The one retry policy style of every call to a cloud service (NLS REST and transcription, OSS, S3): a Polly retry
/// with exponential backoff and jitter on the injected clock, for exactly the failures the caller calls transient, and
/// a log line per retry. What counts as transient stays with each client, which knows its protocol.
/// </summary>
public static class CloudRetry
{
    /// <summary>Whose call it is ("Session s1"), for the retry log line; set with <see cref="ExecuteAsync{T}"/>.</summary>
    public static readonly ResiliencePropertyKey<string> Subject = new("roleplayhub.subject");

    /// <summary>The pause before the second try; it doubles for each further one (with jitter).</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    /// <param name="what">Names the call in the log ("NLS TTS", "OSS PutObject").</param>
    /// <param name="attempts">Tries in all, the first included; 1 means no retry.</param>
    /// <param name="isTransient">Whether a failure may go away if the same call is made again.</param>
    /// <param name="time">The clock the pauses run on.</param>
    /// <param name="logger">Where the retries are logged.</param>
    public static ResiliencePipeline Create(string what, int attempts, Func<Exception, bool> isTransient, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        if (attempts == 1)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { Name = what, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(isTransient),
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstDelay,
                OnRetry = args =>
                {
                    var subject = args.Context.Properties.TryGetValue(Subject, out var s) ? s : "-";
                    logger.LogWarning("{Subject}: {What} try {Attempt} failed ({Failure}); retrying in {DelayMs:0} ms",
                        subject, what, args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="callback"/> under <paramref name="pipeline"/>, naming <paramref name="subject"/> in
    /// its retry log lines.</summary>
    public static async Task<T> ExecuteAsync<T>(this ResiliencePipeline pipeline, string subject, Func<CancellationToken, Task<T>> callback, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Subject, subject);
        try
        {
            return await pipeline.ExecuteAsync(static async (context, callback) => await callback(context.CancellationToken), context, callback);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
