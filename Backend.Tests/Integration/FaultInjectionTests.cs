using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Resilience.Faults;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// Whole sessions with 30 % of the AI's, the avatar voice's and the media store's calls failing (<c>Faults:*</c>,
/// seeded): every turn the trainee speaks is recorded, every failure is reported as retryable, <c>retry-turn</c>
/// completes each failed turn, and the session goes on to the end. A failing recogniser loses the utterance's words,
/// so there the trainee is asked to say it again, and does.
/// </summary>
public sealed class FaultInjectionTests : IDisposable
{
    private const int Turns = 6;

    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech()
        .Setting("Faults:Rate", "0.3").Setting("Faults:Seed", "7")
        .Setting("Faults:Stages:0", "ai").Setting("Faults:Stages:1", "tts").Setting("Faults:Stages:2", "media")
        .Setting("Faults:Delay", "00:00:00.050").Setting("Faults:Timeout", "00:00:00.300");

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AtAThirtyPercentFaultRateNoTurnIsLostAndRetryTurnCompletesEachFailedOne()
    {
        using var admin = _factory.CreateClient("root", "admin");
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync(waitForOpening: false);
        var id = (await admin.SessionAsync(sessionId)).Str("id")!;
        long offset = 0;
        var retries = 0;

        for (var turn = 1; turn <= Turns; turn++)
        {
            offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak($"question number {turn} about the price"), startOffset: offset);
            await client.CommitAsync(sessionId);
            var recorded = await RecordedAsync(admin, id, turn);
            for (var attempt = 0; !Complete(recorded) && attempt < 10; attempt++)
            {
                var revisions = recorded.GetProperty("completedAt").GetDateTimeOffset();
                await client.InvokeAsync("retry-turn", new { sessionId });
                recorded = await RecordedAsync(admin, id, turn, after: revisions);
                retries++;
            }

            Assert.True(Complete(recorded), $"turn {turn} never completed: {recorded}");
            Assert.Equal($"question number {turn} about the price", recorded.Str("userText"));
        }

        var detail = await admin.DetailAsync(id);
        var injected = _factory.Services.GetRequiredService<FaultInjector>().Injected;
        var errors = client.EventsNamed("error");

        Assert.Equal(Enumerable.Range(1, Turns), detail.GetProperty("turns").EnumerateArray().Select(t => t.Int("turn")).Where(t => t > 0));
        Assert.Equal("active", detail.GetProperty("session").Str("status")); // the session went on through every fault
        Assert.True(injected.Values.Sum() >= 3, $"the seed injected only {injected.Values.Sum()} faults");
        Assert.All(errors, e => Assert.True(e.Bool("retryable") || e.Str("code") == "ai-cut", $"{e.Str("code")}: {e.Str("message")}"));
        Assert.All(errors, e => Assert.Contains(e.Str("code"), new[] { "ai-failed", "ai-cut", "tts-failed", "storage-failed" }));
        Assert.NotEmpty(errors); // 30 % of some 40 calls: failures were met, reported and recovered from
        Assert.True(retries > 0, "no turn needed retry-turn");
    }

    [Fact]
    public async Task AtAThirtyPercentRecogniserFaultRateEachFailureIsRetryableAndSayingItAgainCompletesTheTurn()
    {
        using var factory = new RoleplayHubFactory().WithEchoSpeech()
            .Setting("Faults:Rate", "0.3").Setting("Faults:Seed", "11").Setting("Faults:Stages:0", "stt")
            .Setting("Faults:Delay", "00:00:00.050").Setting("Faults:Timeout", "00:00:00.300");
        using var admin = factory.CreateClient("root", "admin");
        await using var client = await factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync(waitForOpening: false);
        long offset = 0;
        var again = 0;

        for (var turn = 1; turn <= Turns; turn++)
        {
            var said = $"question number {turn} about the price";
            for (var attempt = 0; ; attempt++)
            {
                Assert.True(attempt < 10, $"turn {turn} was never heard");
                var failuresBefore = client.EventsNamed("error").Count;
                offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak(said), startOffset: offset);
                await client.CommitAsync(sessionId);
                Assert.True(
                    await Poll.UntilAsync(
                        () => client.EventsNamed("error").Count > failuresBefore
                            || client.EventsNamed("avatar-response").Any(e => e.Int("turn") == turn && e.Bool("isLast")),
                        TimeSpan.FromSeconds(30)),
                    "timed out");
                if (client.EventsNamed("error").Count == failuresBefore)
                {
                    break;
                }

                again++; // the recogniser failed: the trainee says it again, as the error asks
            }
        }

        var id = (await admin.SessionAsync(sessionId, s => s.Int("totalTurns") >= Turns)).Str("id")!;
        var detail = await admin.DetailAsync(id);
        var injected = factory.Services.GetRequiredService<FaultInjector>().Injected;
        var errors = client.EventsNamed("error");

        Assert.Equal(Enumerable.Range(1, Turns).Select(t => $"question number {t} about the price"),
            detail.GetProperty("turns").EnumerateArray().Where(t => t.Int("turn") > 0).Select(t => t.Str("userText")));
        Assert.True(again > 0, "no utterance met a failing recogniser");
        Assert.All(errors, e => Assert.Equal(("stt-failed", true), (e.Str("code"), e.Bool("retryable"))));
        Assert.Contains(injected.Keys, k => k is ("stt", FaultKind.Drop or FaultKind.Error or FaultKind.Timeout));
        Assert.Equal("active", detail.GetProperty("session").Str("status"));
    }

    /// <summary>A turn is complete when its reply was written and at least its first sentence spoken.</summary>
    private static bool Complete(JsonElement turn) =>
        turn.Str("aiText") is { Length: > 0 } && turn.GetProperty("avatarSegments").GetArrayLength() > 0;

    /// <summary>The history row of <paramref name="turn"/> once written (and, after a retry, rewritten).</summary>
    private static async Task<JsonElement> RecordedAsync(HttpClient admin, string id, int turn, DateTimeOffset? after = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var detail = await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}/{id}");
            var row = detail.GetProperty("turns").EnumerateArray().FirstOrDefault(t => t.Int("turn") == turn);
            if (row.ValueKind == JsonValueKind.Object && (after is null || row.GetProperty("completedAt").GetDateTimeOffset() > after))
            {
                return row;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"turn {turn} was not recorded{(after is null ? "" : " again")} within 30 s: {detail}");
            }

            await Task.Delay(50);
        }
    }
}
