using NetArchTest.Rules;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Architecture;

/// <summary>
/// Dependencies run one way: Hubs and LiveHttp (the two transports; LiveHttp reuses the hub's wire contract) → Sessions → Pipeline → Providers / Audio / Storage / History / Scenarios, with Coaching
/// (the end-of-drill report) between Sessions and Providers / History / Scenarios, and every
/// layer may use the domain core (Core) and the infrastructure (Auth, Health, Observability, Resilience, Http) —
/// which know nothing of the layers above them. A forbidden dependency, anywhere, fails a test here.
/// </summary>
public sealed class LayeringTests
{
    private const string Root = "RoleplayHub.";

    private static readonly string[] Features = ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Providers", "Audio", "Storage", "History", "Scenarios", "Coaching", "Admin", "ScaleOut", "WebClient", "OpenApi"];
    private static readonly string[] Infrastructure = ["Auth", "Health", "Observability", "Resilience", "Http"];

    /// <summary>Each namespace and what it must not depend on.</summary>
    public static TheoryData<string, string[]> Rules() => new()
    {
        { "Core", [.. Features, .. Infrastructure, "Database"] },
        { "Hubs", ["LiveHttp", "Admin", "ScaleOut"] },
        { "LiveHttp", ["Admin", "ScaleOut"] },
        { "Sessions", ["Hubs", "LiveHttp", "Admin", "ScaleOut"] },
        { "Pipeline", ["Hubs", "LiveHttp", "Sessions", "Coaching", "Admin", "ScaleOut"] },
        { "Coaching", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Admin", "ScaleOut"] },
        { "Providers", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Storage", "History", "Coaching", "Admin", "ScaleOut"] },
        { "Audio", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Providers", "Storage", "History", "Scenarios", "Coaching", "Admin", "ScaleOut"] },
        { "Storage", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Providers", "History", "Scenarios", "Coaching", "Admin", "ScaleOut"] },
        { "History", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Providers", "Scenarios", "Coaching", "Admin", "ScaleOut"] },
        { "Scenarios", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Providers", "History", "Coaching", "Admin", "ScaleOut"] },
        { "ScaleOut", ["Hubs", "LiveHttp", "Admin"] },
        { "Auth", [.. Features] },
        { "Health", [.. Features] },
        { "Observability", [.. Features] },
        { "Resilience", [.. Features] },
        { "Http", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Providers", "History", "Scenarios", "Coaching", "Admin", "ScaleOut"] },
    };

    /// <summary>The registration classes live in the DI namespace (so <c>Program.cs</c> finds them); each is held to
    /// its feature's rules.</summary>
    public static TheoryData<string, string[]> RegistrationRules() => new()
    {
        { "AuthenticationExtensions", [.. Features] },
        { "HealthExtensions", [.. Features] },
        { "TelemetryExtensions", [.. Features] },
        { "SessionServiceExtensions", ["Hubs", "LiveHttp", "ScaleOut"] },
        { "ScaleOutExtensions", ["Hubs", "LiveHttp", "Admin"] },
        { "RoleplayHubExtensions", ["LiveHttp", "Admin"] },
        { "LiveHttpExtensions", ["Admin"] },
        { "PipelineServiceExtensions", ["Hubs", "Sessions"] },
        { "StorageServiceExtensions", ["Hubs", "Sessions", "Pipeline", "Providers", "History"] },
        { "MediaEndpoints", ["Hubs", "Sessions", "Pipeline", "Providers", "History"] },
        { "HistoryServiceExtensions", ["Hubs", "Sessions", "Pipeline", "Providers", "Coaching"] },
        { "HistoryApi", ["Hubs", "Sessions", "Pipeline", "Providers", "Coaching"] },
        { "CoachingServiceExtensions", ["Hubs", "LiveHttp", "Sessions", "Pipeline", "Admin"] },
        { "ScenarioApi", ["Hubs", "Sessions", "Pipeline", "Providers"] },
        { "VadServiceExtensions", ["Hubs", "Sessions", "Pipeline", "Providers", "Storage", "History", "Scenarios", "Admin"] },
        { "ProviderServiceExtensions", ["Hubs", "Sessions", "Pipeline"] },
        { "LatencyModelServiceExtensions", ["Hubs", "Sessions", "Pipeline"] },
        { "AliyunServiceExtensions", ["Hubs", "Sessions", "Pipeline"] },
        { "RealtimeServiceExtensions", ["Hubs", "Sessions", "Pipeline"] },
        { "OpenAiServiceExtensions", ["Hubs", "Sessions", "Pipeline"] },
        { "ProblemDetailsExtensions", ["Hubs", "Sessions", "Pipeline", "Providers"] },
        { "SecurityHeadersExtensions", ["Hubs", "Sessions", "Pipeline", "Providers"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void ANamespaceDependsOnlyOnWhatIsBelowIt(string layer, string[] forbidden)
    {
        var result = Types.InAssembly(typeof(SessionManager).Assembly)
            .That().ResideInNamespace(Root + layer)
            .ShouldNot().HaveDependencyOnAny([.. forbidden.Select(f => Root + f)])
            .GetResult();

        Assert.True(result.IsSuccessful, $"{layer} depends on what is above it: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [MemberData(nameof(RegistrationRules))]
    public void AFeaturesRegistrationDependsOnlyOnWhatIsBelowIt(string registration, string[] forbidden)
    {
        // NetArchTest skips Microsoft.* namespaces, where these live; their references are read from the IL instead.
        var used = RegistrationDependencies.Of(typeof(SessionManager).Assembly, registration);

        Assert.NotNull(used); // renamed or moved: update the table
        var wrong = used.Where(ns => forbidden.Any(f => ns == Root + f || ns.StartsWith(Root + f + ".", StringComparison.Ordinal))).ToList();
        Assert.True(wrong.Count == 0, $"{registration} depends on what is above its feature: {string.Join(", ", wrong)}");
    }

    [Fact]
    public void TheCoreKnowsNothingOfSignalROrAspNetCore()
    {
        var result = Types.InAssembly(typeof(SessionManager).Assembly)
            .That().ResideInNamespace(Root + "Core")
            .ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System.Text.Json.Serialization")
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    /// <summary>The hub and the live sessions over HTTP speak the same contract (docs/live-http.md); nothing else does.</summary>
    [Fact]
    public void OnlyTheTwoTransportsSpeakTheWireContract()
    {
        var result = Types.InAssembly(typeof(SessionManager).Assembly)
            .That().DoNotResideInNamespace(Root + "Hubs")
            .And().DoNotResideInNamespace(Root + "LiveHttp")
            .And().DoNotHaveName("RoleplayHubExtensions")
            .And().DoNotHaveName("LiveHttpExtensions")
            .ShouldNot().HaveDependencyOn(Root + "Hubs.Contracts")
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
