using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>Start-up validation of <c>Realtime:Profiles</c>: every problem at once, each naming the key to fix.</summary>
public sealed class RealtimeOptionsTests
{
    [Fact]
    public void AnUnknownVendorNamesTheKeyAndTheVendorsOnOffer()
    {
        var options = new RealtimeOptions();
        options.Profiles["voice"] = new RealtimeProfileOptions { Vendor = "acme", Model = "m", ApiKey = "k" };

        var result = new ValidateRealtimeOptions().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Realtime:Profiles:voice:Vendor 'acme' is unknown; use one of openai, azure, stepfun, glm, qwen, gemini.", result.Failures!);
    }

    [Fact]
    public void MissingModelAndKeyAreBothReported()
    {
        var options = new RealtimeOptions();
        options.Profiles["gpt"] = new RealtimeProfileOptions { Vendor = "openai" };

        var result = new ValidateRealtimeOptions().Validate(null, options);

        Assert.Equal(["Realtime:Profiles:gpt:Model is required.", "Realtime:Profiles:gpt:ApiKey is required."], result.Failures!);
    }

    [Fact]
    public void AzureNeedsItsResourceDeploymentAndTranscriptionDeployment()
    {
        var options = new RealtimeOptions();
        options.Profiles["az"] = new RealtimeProfileOptions { Vendor = "azure", ApiKey = "k" };

        var failures = new ValidateRealtimeOptions().Validate(null, options).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Realtime:Profiles:az:Deployment", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Realtime:Profiles:az:TranscriptionModel", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Realtime:Profiles:az:Endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public void SpeechDetectionIsTheVendorsOrTheServers()
    {
        var options = new RealtimeOptions();
        options.Profiles["live"] = new RealtimeProfileOptions { Vendor = "gemini", Model = "m", ApiKey = "k", SpeechDetection = "client" };
        options.Profiles["ours"] = new RealtimeProfileOptions { Vendor = "gemini", Model = "m", ApiKey = "k", SpeechDetection = "server" };

        var result = new ValidateRealtimeOptions().Validate(null, options);

        Assert.Equal(["Realtime:Profiles:live:SpeechDetection 'client' is unknown; use vendor or server."], result.Failures!);
    }

    [Fact]
    public void ACompleteProfileAndNoProfilesAtAllAreValid()
    {
        var options = new RealtimeOptions();
        Assert.True(new ValidateRealtimeOptions().Validate(null, options).Succeeded);
        options.Profiles["gemini"] = new RealtimeProfileOptions { Vendor = "Gemini", Model = "gemini-live-2.5-flash-preview", ApiKey = "k" };

        Assert.True(new ValidateRealtimeOptions().Validate(null, options).Succeeded);
    }

    [Fact]
    public void AzureUrlsTakeTheV1PathAndTheDeploymentAsModel()
    {
        var profile = new RealtimeProfileOptions { Vendor = "azure", Endpoint = new Uri("https://my-resource.openai.azure.com"), Deployment = "gpt-realtime-prod" };

        var url = Providers.Realtime.OpenAi.OpenAiDialect.For("azure").Url(profile);

        Assert.Equal("wss://my-resource.openai.azure.com/openai/v1/realtime?model=gpt-realtime-prod", url.ToString());
    }
}
