using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>
/// This node's connection to the shared Redis for leases and end requests (the SignalR backplane keeps its own).
/// Connected on first use and never fails to construct: with <c>abortConnect=false</c> the multiplexer keeps
/// reconnecting, and a call made while Redis is away fails (a start is then refused as <c>server-busy</c>).
/// </summary>
public sealed class ClusterRedis(IOptions<ScaleOutOptions> options) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() =>
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "roleplayhub-leases";
        return ConnectionMultiplexer.ConnectAsync(configuration);
    });

    public async Task<IDatabase> DatabaseAsync() => (await _connection.Value).GetDatabase();

    public async Task<ISubscriber> SubscriberAsync() => (await _connection.Value).GetSubscriber();

    public async Task<bool> IsConnectedAsync() => (await _connection.Value).IsConnected;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }
}
