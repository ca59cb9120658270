namespace RoleplayHub.Scenarios;

/// <summary>
/// The avatar-speech providers a persona may give a voice for (<c>voice.espeak</c>, <c>voice.aliyun</c>), in the order
/// they were registered (offline first). Each such provider adds its name where it is registered (<c>Configure&lt;PersonaVoiceOptions&gt;</c>), so the scenario model lists none
/// of them, and a scenario naming any other — a misspelt provider — is refused rather than never heard.
/// </summary>
public sealed class PersonaVoiceOptions
{
    public List<string> Providers { get; } = [];
}
