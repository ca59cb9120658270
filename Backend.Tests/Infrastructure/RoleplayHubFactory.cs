using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Auth;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// The real service on TestServer: real providers by default (PocketSphinx, the scripted engine, espeak-ng), a
/// throwaway data folder, and a test signing key. Tests change settings with <see cref="Setting"/>, swap providers
/// with <see cref="WithServices"/>, and take the clock with <see cref="UseManualTime"/> — before the first client.
/// </summary>
public sealed class RoleplayHubFactory : WebApplicationFactory<Program>
{
    public const string SigningKey = "test-signing-key-test-signing-key-0123456789";

    /// <summary>The settings every service under test starts with: in process (this factory) and as a process
    /// (<see cref="BackendProcess"/>).</summary>
    public static IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["Auth:SigningKey"] = SigningKey,
        ["Auth:DevTokens:Enabled"] = "false",
        // The rate limit has its own test; elsewhere tests stream faster than real time.
        ["Sessions:ChunksPerSecond"] = "1000",
        ["Sessions:ChunkBurst"] = "1000",
        // The admission of new sessions has its own tests; elsewhere a loaded test machine must not refuse one.
        ["Sessions:AdmissionCpu"] = "0",
        ["Scenarios:Watch"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private readonly Dictionary<string, string?> _settings = DefaultSettings.ToDictionary(s => s.Key, string? (s) => s.Value);

    private readonly List<Action<IServiceCollection>> _services = [];
    private readonly bool _ownsDataDirectory;
    private string _environment = "Testing";

    public RoleplayHubFactory()
        : this(null)
    {
    }

    /// <summary>A service on <paramref name="dataDirectory"/> (kept when the factory is disposed), for tests that
    /// restart the service on the same data; a throwaway folder when null.</summary>
    public RoleplayHubFactory(string? dataDirectory)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
        _settings["DataDirectory"] = DataDirectory;
    }

    public string DataDirectory { get; }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "roleplayhub-tests", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider? Clock { get; private set; }

    public RoleplayHubFactory Setting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public RoleplayHubFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    public RoleplayHubFactory Environment(string name)
    {
        _environment = name;
        return this;
    }

    /// <summary>All of the service's timers and timestamps run on a clock the test advances; timers fire during
    /// <see cref="FakeTimeProvider.Advance"/>, in due order, on the test's thread (a callback reads the clock as it is at
    /// the end of that Advance, not at its own due time). It starts at the real current time, so tokens the service
    /// issues meanwhile still validate (JWT validation reads the system clock).</summary>
    public FakeTimeProvider UseManualTime()
    {
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var clock = Clock;
        _services.Add(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        return clock;
    }

    public string Token(string userId, params string[] roles) => Token(userId, TimeSpan.FromHours(1), roles);

    public string Token(string userId, TimeSpan lifetime, params string[] roles) =>
        Services.GetRequiredService<TokenIssuer>().Issue(userId, roles, lifetime).Token;

    /// <summary>A client of <paramref name="userId"/> over WebSockets with the JSON protocol, as most tests use.</summary>
    public Task<RoleplayHubClient> ConnectAsync(string userId, params string[] roles) => ConnectWithTokenAsync(Token(userId, roles));

    public Task<RoleplayHubClient> ConnectAsync(string userId, HubClientOptions options) => ConnectWithTokenAsync(Token(userId), options);

    public Task<RoleplayHubClient> ConnectWithTokenAsync(string? token, HubClientOptions? options = null) =>
        RoleplayHubClient.ConnectAsync(HubEndpoint.InProcess(Server, RoleplayHubExtensions.HubPath), token, options);

    /// <summary>A bare WebSocket of <paramref name="userId"/>, for frames the official client will not send.</summary>
    public Task<RawHubSocket> ConnectRawAsync(string userId) =>
        RawHubSocket.ConnectAsync(HubEndpoint.InProcess(Server, RoleplayHubExtensions.HubPath), Token(userId));

    public HttpClient CreateClient(string userId, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId, roles));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);

        // UseSetting (unlike ConfigureAppConfiguration) is visible while Program.cs registers services, so settings that
        // choose providers at registration time take effect too.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
