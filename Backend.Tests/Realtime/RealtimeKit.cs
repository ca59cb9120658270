using Microsoft.Extensions.Logging.Abstractions;
using RoleplayHub.Fakes.Realtime;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>A fake vendor started on a free port and <see cref="RealtimeModels"/> with one profile, "fake", pointing at it.
/// Replies are paced at 4× real time so a test can still cut in mid-reply.</summary>
internal sealed class RealtimeKit : IAsyncDisposable
{
    public const string Profile = "fake";

    private RealtimeKit(FakeRealtimeServer fake, RealtimeProfileOptions profile, RealtimeOptions options)
    {
        Fake = fake;
        ProfileOptions = profile;
        Options = options;
    }

    public FakeRealtimeServer Fake { get; }

    public RealtimeProfileOptions ProfileOptions { get; }

    public RealtimeOptions Options { get; }

    public IRealtimeModels Models => new RealtimeModels(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<RealtimeModels>.Instance);

    public static async Task<RealtimeKit> StartAsync(string vendor, Action<FakeRealtimeOptions>? fake = null, Action<RealtimeProfileOptions>? profile = null)
    {
        var fakeOptions = new FakeRealtimeOptions { Vendor = vendor, Speed = 4, FirstAudioDelay = TimeSpan.FromMilliseconds(200) };
        fake?.Invoke(fakeOptions);
        var server = FakeRealtimeServers.Create(fakeOptions);
        await server.StartAsync();
        var p = new RealtimeProfileOptions { Vendor = vendor, Model = "fake-model", ApiKey = "test-key", Voice = "alloy", Endpoint = new Uri(server.EndpointUrl) };
        profile?.Invoke(p);
        var options = new RealtimeOptions { ConnectTimeout = TimeSpan.FromSeconds(10), ConfigureTimeout = TimeSpan.FromSeconds(10) };
        options.Profiles[Profile] = p;
        return new RealtimeKit(server, p, options);
    }

    public Task<IRealtimeConnection> ConnectAsync(RealtimeTurnDetection? turnDetection = null, IReadOnlyList<RealtimeHistoryItem>? history = null, string? resumptionHandle = null) =>
        Models.ConnectAsync(Profile, Setup(turnDetection, history, resumptionHandle), Deadline);

    public static RealtimeSessionSetup Setup(RealtimeTurnDetection? turnDetection = null, IReadOnlyList<RealtimeHistoryItem>? history = null, string? resumptionHandle = null) =>
        new("You are a procurement manager.", "en-US", null, turnDetection ?? RealtimeTurnDetection.ServerVad(), history ?? [], resumptionHandle);

    /// <summary>Bounds one wait of a test: a fresh minute from each read, never a budget shared by the whole run
    /// (a suite-wide one ran out under CI and cancelled the tests that came last).</summary>
    public static CancellationToken Deadline => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    public ValueTask DisposeAsync() => Fake.DisposeAsync();
}
