using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Fallback;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Tests.Unit.Providers;

/// <summary>The provider catalog: routing by language and its errors, the AI choice, and fallbacks found once.</summary>
public sealed class ProviderCatalogTests
{
    private static readonly RecognizerRequest EnglishUtterance = new("s1", "u1", "en-US", [], null);

    private readonly FakeSpeechToText _sphinx = new(ProviderNames.PocketSphinx, "en-US");
    private readonly FakeCloudSpeechToText _cloudStt = new(ProviderNames.Aliyun, "zh-CN", "en-US");
    private readonly FakeAvatarSpeech _espeak = new(ProviderNames.Espeak, "en-US", "zh-CN");
    private readonly FakeCloudAvatarSpeech _cloudTts = new(ProviderNames.Aliyun, "zh-CN", "en-US");
    private readonly SttProviderOptions _stt = new();
    private readonly TtsProviderOptions _tts = new();
    private readonly AiOptions _ai = new();
    private readonly List<string> _created = [];

    [Fact]
    public void EachLanguageGoesToItsConfiguredProviderAndTheRestToTheDefault()
    {
        _stt.ByLanguage["zh-CN"] = ProviderNames.Aliyun;
        _tts.ByLanguage["zh-CN"] = ProviderNames.Aliyun;
        var catalog = Catalog();

        Assert.Same(_sphinx, catalog.FindSpeechToText("en-US", out _));
        Assert.Same(_cloudStt, catalog.FindSpeechToText("zh-CN", out _));
        Assert.Same(_espeak, catalog.FindAvatarSpeech("en-US", out _));
        Assert.Same(_cloudTts, catalog.FindAvatarSpeech("zh-CN", out var error));
        Assert.Equal("", error);
    }

    [Fact]
    public void ALanguageTheConfiguredProviderCannotHandleSaysWhatToConfigure()
    {
        var catalog = Catalog();

        Assert.Null(catalog.FindSpeechToText("zh-CN", out var stt));
        Assert.Equal("No configured speech-to-text provider recognises zh-CN (configured: pocketsphinx). Providers that would: aliyun — set Stt__ByLanguage__zh-CN=aliyun and its credentials.", stt);

        _tts.Provider = ProviderNames.Aliyun;
        Assert.Null(Catalog([new FakeAvatarSpeech(ProviderNames.Aliyun, "zh-CN"), _espeak]).FindAvatarSpeech("en-US", out var tts));
        Assert.Equal("No configured avatar voice speaks en-US (configured: aliyun). Providers that would: espeak — set Tts__ByLanguage__en-US=espeak.", tts);
    }

    [Fact]
    public void ALanguageNoProviderHandlesListsWhatIsSupported()
    {
        var catalog = Catalog();

        Assert.Null(catalog.FindSpeechToText("fr-FR", out var stt));
        Assert.Equal("No speech-to-text provider supports fr-FR. Supported: en-US, zh-CN.", stt);
        Assert.Null(catalog.FindAvatarSpeech("fr-FR", out var tts));
        Assert.Equal("No avatar speech provider speaks fr-FR.", tts);
    }

    [Fact]
    public void TheConfiguredAiIsTheOnlyOneCreatedAndOnlyOnce()
    {
        _ai.Provider = "OpenAI";
        var catalog = Catalog();

        Assert.Empty(_created);
        Assert.Equal(ProviderNames.OpenAi, catalog.RoleplayAi.Name);
        Assert.Same(catalog.RoleplayAi, catalog.RoleplayAi);
        Assert.Equal([ProviderNames.OpenAi], _created);
        Assert.Equal([ProviderNames.Scripted, ProviderNames.OpenAi], catalog.RoleplayAiNames);
    }

    [Fact]
    public void AnUnknownAiIsRefusedNamingTheChoicesAtStartAndWhenAskedFor()
    {
        _ai.Provider = "gpt";
        var expected = "Ai:Provider 'gpt' is unknown; use 'scripted' or 'openai'.";

        var validation = new ValidateAiOptions(AiRegistrations()).Validate(null, _ai);
        var failure = Assert.Throws<InvalidOperationException>(() => Catalog().RoleplayAi);

        Assert.Equal(expected, Assert.Single(validation.Failures!));
        Assert.Equal(expected, failure.Message);
        Assert.True(new ValidateAiOptions(AiRegistrations()).Validate(null, new AiOptions()).Succeeded);
    }

    [Theory]
    [InlineData("-00:00:00.001", false)]
    [InlineData("00:00:00", true)]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:01.001", false)]
    public void TheDeltaIntervalIsFromZeroToASecond(string interval, bool valid)
    {
        var options = new AiOptions { DeltaInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };

        var validation = new ValidateAiOptions(AiRegistrations()).Validate(null, options);

        Assert.Equal(valid, validation.Succeeded);
        if (!valid)
        {
            Assert.Equal($"Ai:DeltaInterval must be from 00:00:00 to 00:00:01 (was {options.DeltaInterval:c}).", Assert.Single(validation.Failures!));
        }
    }

    [Fact]
    public async Task ACloudRecogniserFallsBackToTheProviderFoundOnceWhenTheCatalogWasMade()
    {
        _stt.Provider = ProviderNames.Aliyun;
        _stt.Fallback = ProviderNames.PocketSphinx;
        var providers = new CountedList<ISpeechToText>(_sphinx, _cloudStt);
        var catalog = Catalog(speechToText: providers);

        var routed = catalog.FindSpeechToText("en-US", out _);
        var chinese = catalog.FindSpeechToText("zh-CN", out _);
        await using var recognizer = routed!.CreateRecognizer(EnglishUtterance);
        await recognizer.StartAsync(default); // the outage: the next utterance goes to the fallback
        await recognizer.AcceptAsync(new byte[320], default);
        var heard = await recognizer.EndUtteranceAsync(default);

        Assert.IsType<FallbackSpeechToText>(routed);
        Assert.Same(routed, chinese);
        Assert.Equal(ProviderNames.Aliyun, routed.Name);
        Assert.Equal("heard by pocketsphinx", heard.Text);
        Assert.Equal(1, providers.Enumerations);
        Assert.Contains(_sphinx, catalog.SpeechToText); // the fallback itself is not wrapped
    }

    [Fact]
    public async Task ACloudVoiceOutageIsSpokenByTheFallbackVoice()
    {
        _tts.Provider = ProviderNames.Aliyun;
        _tts.Fallback = ProviderNames.Espeak;
        var catalog = Catalog();
        var request = new SpeechRequest("Hello.", "en-US", new PersonaVoice());

        using var clip = await catalog.FindAvatarSpeech("en-US", out _)!.SynthesizeAsync(request, default);

        Assert.Same(request, Assert.Single(_espeak.Requests));
        Assert.IsType<FallbackAvatarSpeech>(catalog.FindAvatarSpeech("zh-CN", out _));
    }

    [Fact]
    public void WithoutAFallbackOrForAnOfflineProviderNothingIsWrapped()
    {
        Assert.Equal([_sphinx, _cloudStt], Catalog().SpeechToText);
        Assert.Equal([_espeak, _cloudTts], Catalog().AvatarSpeech);

        _stt.Fallback = ProviderNames.Aliyun; // an offline provider has no outage to hand over
        _tts.Fallback = ProviderNames.Aliyun;
        Assert.Equal([_sphinx, _cloudStt], Catalog().SpeechToText);
        Assert.Equal([_espeak, _cloudTts], Catalog().AvatarSpeech);
    }

    [Fact]
    public void AStageNamingAnUnregisteredProviderStopsTheStart()
    {
        _stt.ByLanguage["zh-CN"] = "azure";
        _tts.Fallback = "nope";
        _tts.FallbackCooldown = TimeSpan.FromSeconds(-1);
        var validator = new ValidateSpeechStageOptions([_sphinx, _cloudStt], [_espeak, _cloudTts]);

        var stt = validator.Validate(null, _stt);
        var tts = validator.Validate(null, _tts);

        Assert.Equal(["Unknown speech-to-text provider(s) azure; available: pocketsphinx, aliyun."], stt.Failures);
        Assert.Equal(["Tts:Fallback 'nope' is not a provider; available: espeak, aliyun.", "Tts:FallbackCooldown must not be negative."], tts.Failures);
    }

    private ProviderCatalog Catalog(IEnumerable<IAvatarSpeech>? avatarSpeech = null, IEnumerable<ISpeechToText>? speechToText = null) => new(
        speechToText ?? [_sphinx, _cloudStt],
        avatarSpeech ?? [_espeak, _cloudTts],
        AiRegistrations(),
        Options.Create(_stt),
        Options.Create(_tts),
        Options.Create(_ai),
        new FakeTimeProvider(),
        NullLoggerFactory.Instance);

    private List<RoleplayAiRegistration> AiRegistrations() =>
    [
        new(ProviderNames.Scripted, () => Create(ProviderNames.Scripted)),
        new(ProviderNames.OpenAi, () => Create(ProviderNames.OpenAi)),
    ];

    private FakeRoleplayAi Create(string name)
    {
        _created.Add(name);
        return new FakeRoleplayAi(name);
    }
}
