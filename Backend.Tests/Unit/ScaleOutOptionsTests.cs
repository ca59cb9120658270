using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoleplayHub.History;
using RoleplayHub.ScaleOut;

namespace RoleplayHub.Tests.Unit;

public sealed class ScaleOutOptionsTests
{
    private readonly ValidateScaleOutOptions _validator = new();

    [Fact]
    public void WithoutRedisScaleOutIsOffAndNeedsNothingElse()
    {
        var result = _validator.Validate(null, new ScaleOutOptions { LeaseTtl = TimeSpan.Zero, ChannelPrefix = "" });

        Assert.True(result.Succeeded);
        Assert.False(new ScaleOutOptions().Enabled);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("127.0.0.1:6379", true)] // another node may restore a session this one runs: the history checks each batch
    public void TheHistoryLooksForSessionsTakenOverOnlyWhenNodesShareRedis(string? redis, bool looks)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ScaleOut:Redis"] = redis;

        builder.AddRoleplayScaleOut();

        using var services = builder.Services.BuildServiceProvider();
        Assert.Equal(looks, services.GetRequiredService<IOptions<HistoryOptions>>().Value.SessionsMoveBetweenNodes);
    }

    [Fact]
    public void ARedisConfigurationWithoutAServerIsRefused()
    {
        var result = _validator.Validate(null, new ScaleOutOptions { Redis = "abortConnect=false" });

        Assert.Equal(["ScaleOut:Redis names no server (host:port)."], result.Failures);
    }

    [Fact]
    public void TheDefaultsWithRedisAreValid()
    {
        var result = _validator.Validate(null, new ScaleOutOptions { Redis = "127.0.0.1:6379" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnceNamingItsKey()
    {
        var result = _validator.Validate(null, new ScaleOutOptions
        {
            Redis = "127.0.0.1:6379,notAnOption=1",
            ChannelPrefix = "has space",
            NodeId = "node/1",
            LeaseTtl = TimeSpan.FromSeconds(6),
            LeaseRenewInterval = TimeSpan.FromSeconds(3),
        });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith("ScaleOut:Redis ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ScaleOut:ChannelPrefix ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ScaleOut:NodeId ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ScaleOut:LeaseRenewInterval ", StringComparison.Ordinal));
    }
}
