using System.Net;
using System.Net.Http.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The admin's session controls on one node (no <c>ScaleOut:Redis</c>): the same API the multi-node tests
/// drive across nodes.</summary>
public sealed class SessionControlApiTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AnAdminEndsALiveSessionAndTheTraineeHearsWhy()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        using var admin = _factory.CreateClient("root", "admin");

        using var end = await admin.DeleteAsync($"/api/admin/sessions/{sessionId}");
        var ended = await client.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        using var again = await admin.DeleteAsync($"/api/admin/sessions/{sessionId}");

        Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        Assert.Equal("admin", ended.Str("reason"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnInvalidSessionIdIsAValidationProblem()
    {
        using var admin = _factory.CreateClient("root", "admin");

        using var response = await admin.DeleteAsync("/api/admin/sessions/" + new string('x', 65));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ANoticeForOneUserReachesOnlyThatUser()
    {
        await using var bob = await _factory.ConnectAsync("bob");
        await using var carol = await _factory.ConnectAsync("carol");
        using var admin = _factory.CreateClient("root", "admin");

        using var sent = await admin.PostAsJsonAsync("/api/admin/notices", new { message = "Only for Bob.", userId = "bob" });
        using var everyone = await admin.PostAsJsonAsync("/api/admin/notices", new { message = "For all." });
        await bob.WaitForEventAsync("notice", e => e.Str("message") == "Only for Bob.");
        await carol.WaitForEventAsync("notice", e => e.Str("message") == "For all.");

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, everyone.StatusCode);
        Assert.DoesNotContain(carol.EventsNamed("notice"), e => e.Str("message") == "Only for Bob.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task AnEmptyNoticeIsAValidationProblem(string? message)
    {
        using var admin = _factory.CreateClient("root", "admin");

        using var response = await admin.PostAsJsonAsync("/api/admin/notices", new { message });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ANoticeLongerThanTheLimitIsAValidationProblem()
    {
        using var admin = _factory.CreateClient("root", "admin");

        using var response = await admin.PostAsJsonAsync("/api/admin/notices", new { message = new string('a', 501) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
