using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>
/// A node's subscription to one Redis channel. Subscribes in the background, retrying while Redis is away, so a node
/// starts without it; once subscribed, the client restores the subscription on reconnects.
/// </summary>
public abstract partial class RedisChannelListener(ClusterRedis redis, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger logger)
    : BackgroundService
{
    protected abstract string Channel { get; }

    protected abstract void OnMessage(string message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = RedisChannel.Literal(Channel);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await (await redis.SubscriberAsync()).SubscribeAsync(channel, (_, message) =>
                {
                    if (!message.IsNullOrEmpty)
                    {
                        OnMessage(message!);
                    }
                });
                return;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                LogSubscribeFailed(logger, ex, Channel);
                await Task.Delay(options.Value.LeaseRenewInterval, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Scale-out: cannot subscribe to {Channel} yet; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception ex, string channel);
}
