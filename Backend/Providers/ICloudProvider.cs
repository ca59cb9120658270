namespace RoleplayHub.Providers;

/// <summary>
/// Marks a speech provider behind a network service. Only such a provider can have an outage
/// (<see cref="ProviderOutageException"/>), so only it is put behind its stage's offline fallback
/// (<c>Stt:Fallback</c>, <c>Tts:Fallback</c>); offline providers are what the fallbacks are.
/// </summary>
public interface ICloudProvider
{
}
