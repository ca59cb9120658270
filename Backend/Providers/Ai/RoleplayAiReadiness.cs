using RoleplayHub.Health;

namespace RoleplayHub.Providers.Ai;

/// <summary>
/// <c>/readyz</c>'s entry for the roleplay AI actually configured (<c>ai:scripted</c>, <c>ai:openai</c>): the provider's
/// own probe when it has one, otherwise always ready (the scripted engine needs nothing).
/// </summary>
public sealed class RoleplayAiReadiness(IRoleplayAi ai) : IReadinessProbe
{
    public string Name => ai is IReadinessProbe probe ? probe.Name : "ai:" + ai.Name;

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) =>
        ai is IReadinessProbe probe ? probe.CheckAsync(cancellationToken) : ValueTask.FromResult<string?>(null);
}
