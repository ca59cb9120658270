namespace RoleplayHub.Audio.Vad;

/// <summary>The voice detectors this server can run, by name (case-insensitive), and the one used when a client names
/// none.</summary>
public sealed class VoiceDetectors
{
    private readonly Dictionary<string, IVoiceDetectorKind> _kinds;

    public VoiceDetectors(IEnumerable<IVoiceDetectorKind> kinds, string defaultName)
    {
        _kinds = kinds.ToDictionary(k => k.Name, StringComparer.OrdinalIgnoreCase);
        Default = _kinds.TryGetValue(defaultName, out var kind) ? kind : throw new ArgumentException($"No voice detector is named '{defaultName}'.", nameof(defaultName));
    }

    public IVoiceDetectorKind Default { get; }

    public IEnumerable<string> Names => _kinds.Keys.Order(StringComparer.Ordinal);

    public bool TryGet(string name, out IVoiceDetectorKind kind) => _kinds.TryGetValue(name, out kind!);
}
