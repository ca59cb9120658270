using RoleplayHub.Providers;
using RoleplayHub.Providers.Tts.Espeak;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Tests.Unit;

/// <summary>Persona voices keyed by provider name: the file format, what each provider reads, what clients are told.</summary>
public sealed class PersonaVoiceTests
{
    [Fact]
    public void AVoiceIsReadUnderEachProvidersNameBesideTheSharedSettings()
    {
        var voice = Load("""{ "Gender": "male", "aliyun": "aicheng", "ESPEAK": "cmn-latn-pinyin+m3", "rate": 140, "pitch": 35, "newvoice": "x" }""", out var errors, "newvoice");

        Assert.Empty(errors);
        Assert.Equal("male", voice!.Gender);
        Assert.Equal("cmn-latn-pinyin+m3", voice.For(ProviderNames.Espeak));
        Assert.Equal("aicheng", voice.For("ALIYUN"));
        Assert.Equal("x", voice.For("newvoice"));
        Assert.Null(voice.For(ProviderNames.LatencyModel));
        Assert.Equal((140, 35), (voice.Rate, voice.Pitch));
        Assert.Equal("cmn-latn-pinyin+m3", EspeakAvatarSpeech.VoiceFor("zh-CN", voice));
        Assert.Equal("en-us+m3", EspeakAvatarSpeech.VoiceFor("en-US", voice with { ByProvider = new Dictionary<string, string>() }));
    }

    [Fact]
    public void AVoiceForAProviderWithoutVoicesOrThatIsNotAStringIsRefused()
    {
        Load("""{ "gender": "female", "espaek": "en-us+f3" }""", out var misspelt);
        Load("""{ "gender": "female", "espeak": 3 }""", out var number);

        Assert.Contains(misspelt, e => e.Contains("persona.voice: 'espaek' is neither gender, rate nor pitch, nor a provider with voices (aliyun, espeak)", StringComparison.Ordinal));
        Assert.Contains(number, e => e.Contains("persona.voice.espeak must be a voice name (a string)", StringComparison.Ordinal));
    }

    [Fact]
    public void ClientsAreToldTheVoiceOfTheFirstProviderThePersonaNamesOneFor()
    {
        var both = Load("""{ "gender": "female", "aliyun": "aixia", "espeak": "cmn-latn-pinyin+f3" }""", out _)!;
        var aliyunOnly = Load("""{ "gender": "female", "aliyun": "aixia" }""", out _)!;
        var none = Load("""{ "gender": "male" }""", out _)!;
        string[] registered = [ProviderNames.Espeak, ProviderNames.LatencyModel, ProviderNames.Aliyun];

        Assert.Equal("cmn-latn-pinyin+f3", both.Describe(registered));
        Assert.Equal("aixia", aliyunOnly.Describe(registered));
        Assert.Equal("male", none.Describe(registered));
    }

    private static PersonaVoice? Load(string voice, out List<string> errors, params string[] extraProviders)
    {
        var file = Path.Combine(Path.GetTempPath(), "roleplayhub-tests", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $$"""
            { "id": "voice", "defaultLanguage": "en-US", "variants": { "en-US": {
                "title": "T", "persona": { "name": "N", "role": "R", "voice": {{voice}} }, "systemPrompt": "S", "openingLine": "O" } } }
            """);
        errors = [];
        return ScenarioCatalog.LoadFile(file, errors, [.. ScriptedEngineTests.VoiceProviders, .. extraProviders])?.Variants["en-US"].Persona.Voice;
    }
}
