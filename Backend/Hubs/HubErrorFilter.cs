using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// Last line of defence for hub calls: a bug surfaces to the client as an <c>internal-error</c> event (and a failed
/// invocation) with no internals, is logged with its stack, and never takes the connection down. Refusals the hub
/// throws on purpose (<see cref="HubException"/>) are counted and passed through.
/// </summary>
public sealed class HubErrorFilter(RoleplayMetrics metrics, TimeProvider time, ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException ex)
        {
            var code = ex.Message.Split(':', 2)[0];
            metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", code));
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Hub method {Method} failed for {User}", invocationContext.HubMethodName, invocationContext.Context.UserIdentifier);
            metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", ErrorCodes.Internal));
            var error = HubError.Internal();
            if (invocationContext.Hub is Hub<IRoleplayClient> typed)
            {
                await typed.Clients.Caller.Error(new ErrorEvent(null, error.Code, error.Message, error.Retryable, time.GetUtcNow().ToUnixTimeMilliseconds()));
            }

            throw new HubException($"{error.Code}: {error.Message}");
        }
    }
}
