namespace RoleplayHub.Health;

/// <summary>Something <c>/readyz</c> checks: a provider's native library and model, the media folder, the database.</summary>
public interface IReadinessProbe
{
    string Name { get; }

    /// <summary>Null when ready, else what is wrong and how to fix it.</summary>
    ValueTask<string?> CheckAsync(CancellationToken cancellationToken);
}
