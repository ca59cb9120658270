using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary><c>AddRealtimeModels</c>: profiles bound from configuration, a broken one stops the start, readiness never connects.</summary>
public sealed class RealtimeRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRealtimeModels();
        return builder.Build();
    }

    [Fact]
    public async Task ProfilesAreBoundFromConfigurationCaseInsensitively()
    {
        using var host = Build(new()
        {
            ["Realtime:Profiles:Gpt:Vendor"] = "openai",
            ["Realtime:Profiles:Gpt:Model"] = "gpt-realtime",
            ["Realtime:Profiles:Gpt:ApiKey"] = "sk-secret",
            ["Realtime:ConfigureTimeout"] = "00:00:03",
        });

        await host.StartAsync();
        var models = host.Services.GetRequiredService<IRealtimeModels>();
        var ready = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(["Gpt"], models.Profiles);
        Assert.Equal("openai", models.VendorOf("gpt"));
        Assert.Equal(TimeSpan.FromSeconds(3), host.Services.GetRequiredService<IOptions<RealtimeOptions>>().Value.ConfigureTimeout);
        var entry = ready.Entries["realtime:profiles"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Gpt (openai)", entry.Description);
        Assert.DoesNotContain("sk-secret", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenProfileStopsTheStartNamingTheKey()
    {
        using var host = Build(new() { ["Realtime:Profiles:x:Vendor"] = "gemini", ["Realtime:Profiles:x:ApiKey"] = "k" });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Realtime:Profiles:x:Model is required.", refused.Failures);
    }

    [Fact]
    public async Task AnUnknownProfileIsAnArgumentError()
    {
        using var host = Build([]);
        var models = host.Services.GetRequiredService<IRealtimeModels>();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => models.ConnectAsync("nope", RealtimeKit.Setup(), CancellationToken.None));

        Assert.Contains("Realtime:Profiles:nope", refused.Message, StringComparison.Ordinal);
        Assert.Empty(models.Profiles);
    }
}
