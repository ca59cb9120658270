using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Providers;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Aliyun;
using RoleplayHub.Tests.Aliyun.Fakes;

namespace RoleplayHub.Tests.Integration;

/// <summary>What the service registers: every provider in the catalog under its name, and the voices personas may
/// name, offline ones first.</summary>
public sealed class ProviderRegistrationTests : IAsyncLifetime
{
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task TheCatalogHoldsEveryProviderAndPersonasMayNameAVoiceForEachVoice()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var catalog = factory.Services.GetRequiredService<ProviderCatalog>();

        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "zh-CN" });

        Assert.Equal([ProviderNames.PocketSphinx, ProviderNames.Aliyun], catalog.SpeechToText.Select(p => p.Name));
        Assert.Equal([ProviderNames.Espeak, ProviderNames.Aliyun], catalog.AvatarSpeech.Select(p => p.Name));
        Assert.Equal([ProviderNames.Scripted, ProviderNames.OpenAi], catalog.RoleplayAiNames);
        Assert.Equal(ProviderNames.Scripted, catalog.RoleplayAi.Name);
        Assert.Equal([ProviderNames.Espeak, ProviderNames.Aliyun], factory.Services.GetRequiredService<ScenarioCatalog>().VoiceProviders);
        Assert.Equal("cmn-latn-pinyin+f3", started.GetProperty("buyerPersona").Str("voice")); // espeak's, as before voices were keyed
    }
}
