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
    public async Task AKickedUserHearsWhyLosesSessionsAndConnectionAndCannotComeBackWhileOthersCarryOn()
    {
        await using var alice = await _factory.ConnectAsync("alice");
        await using var bob = await _factory.ConnectAsync("bob");
        var sessionId = await alice.StartAsync();
        var bobsSession = await bob.StartAsync();
        using var admin = _factory.CreateClient("root", "admin");

        using var kick = await admin.PostAsync("/api/admin/users/alice/kick", null);
        var ended = await alice.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        var kicked = await alice.WaitForEventAsync("error", e => e.Str("code") == "kicked");
        await alice.EndedAsync();
        await using var again = await _factory.ConnectAsync("alice");
        var refused = await again.WaitForEventAsync("error", e => e.Str("code") == "kicked");
        await again.EndedAsync();
        using var http = _factory.CreateClient("alice");
        using var overHttp = await http.PostAsJsonAsync("/api/live-sessions", new { scenarioId = HubTestKit.Scenario });

        Assert.Equal(HttpStatusCode.NoContent, kick.StatusCode);
        Assert.Equal("admin", ended.Str("reason"));
        Assert.False(kicked.GetProperty("retryable").GetBoolean());
        Assert.Contains("administrator", refused.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, overHttp.StatusCode);
        Assert.Equal("application/problem+json", overHttp.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(bob.EventsNamed("session-ended"), e => e.Str("sessionId") == bobsSession);
        await bob.InvokeAsync("end-session", new { sessionId = bobsSession }); // Bob's session and connection lived on
        Assert.Equal("client", (await bob.WaitForEventAsync("session-ended", e => e.Str("sessionId") == bobsSession)).Str("reason"));
        Assert.Null(bob.ClosedReason);
    }

    [Fact]
    public async Task AfterTheBlockAKickedUserMayConnectAgain()
    {
        using var factory = new RoleplayHubFactory().WithEchoSpeech().Setting("Sessions:KickBlock", "00:00:01");
        using var admin = factory.CreateClient("root", "admin");
        using var kick = await admin.PostAsync("/api/admin/users/dave/kick", null);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using var dave = await factory.ConnectAsync("dave");
        var sessionId = await dave.StartAsync();

        Assert.Equal(HttpStatusCode.NoContent, kick.StatusCode);
        Assert.False(string.IsNullOrEmpty(sessionId));
    }

    [Theory]
    [InlineData("%20")]
    [InlineData(null)]
    public async Task AKickOfABlankOrOverlongUserIsAValidationProblem(string? userId)
    {
        using var admin = _factory.CreateClient("root", "admin");

        using var response = await admin.PostAsync($"/api/admin/users/{userId ?? new string('u', 257)}/kick", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OnlyAnAdminMayKick()
    {
        using var trainee = _factory.CreateClient("mallory");

        using var response = await trainee.PostAsync("/api/admin/users/alice/kick", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
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
