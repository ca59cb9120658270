namespace RoleplayHub.Providers.Fallback;

/// <summary>Opens after an outage so the next calls skip the failing provider for a while (shared by all sessions).</summary>
internal sealed class OutageBreaker(TimeProvider time)
{
    private long _openUntilTicks;

    public bool IsOpen => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _openUntilTicks);

    public void Trip(TimeSpan cooldown) => Interlocked.Exchange(ref _openUntilTicks, (time.GetUtcNow() + cooldown).UtcTicks);
}
