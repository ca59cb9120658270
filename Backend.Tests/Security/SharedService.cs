using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>One in-process service for a whole test class whose tests change nothing in it (each test sends requests
/// and reads the answers), with one anonymous client to reuse.</summary>
public sealed class SharedService : IDisposable
{
    public SharedService()
    {
        Http = Factory.CreateClient();
    }

    public RoleplayHubFactory Factory { get; } = new();

    public HttpClient Http { get; }

    public void Dispose()
    {
        Http.Dispose();
        Factory.Dispose();
    }
}
