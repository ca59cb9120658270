using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Database;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Shared steps of the history tests: provider settings, waiting for the background writer, API calls.</summary>
internal static class HistoryTestKit
{
    public const string AdminSessions = "/api/admin/history/sessions";

    public const string MySessions = "/api/history/sessions";

    /// <summary>History writes are asynchronous: polls until <paramref name="done"/> holds (a bound on waiting, not
    /// a performance assertion).</summary>
    public static async Task<JsonElement> EventuallyAsync(this HttpClient http, string url, Func<JsonElement, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var response = await http.GetAsync(url);
            var body = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            if (response.IsSuccessStatusCode && done(body))
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"GET {url} did not reach the expected state within {seconds} s; last answer {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The one history session with this hub sessionId, once <paramref name="done"/> holds for it.</summary>
    public static async Task<JsonElement> SessionAsync(this HttpClient admin, string sessionId, Func<JsonElement, bool>? done = null)
    {
        var page = await admin.EventuallyAsync($"{AdminSessions}?sessionId={sessionId}",
            p => p.GetProperty("items").GetArrayLength() == 1 && (done is null || done(p.GetProperty("items")[0])));
        return page.GetProperty("items")[0];
    }

    public static async Task<JsonElement> DetailAsync(this HttpClient http, string historyId, string prefix = AdminSessions) =>
        await http.GetFromJsonAsync<JsonElement>($"{prefix}/{historyId}");

    public static IReadOnlyList<JsonElement> Items(this JsonElement page) => [.. page.GetProperty("items").EnumerateArray()];

    public static async Task<T> DbAsync<T>(this RoleplayHubFactory factory, Func<HistoryDbContext, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HistoryDbContext>());
    }

    /// <summary>Says <paramref name="text"/> and waits for the last spoken segment of the reply.</summary>
    public static async Task<long> SayAndHearAsync(this RoleplayHubClient client, string sessionId, string text, int turn, long offset)
    {
        var (_, next) = await client.SayAsync(sessionId, text, turn, offset);
        await client.WaitForEventAsync("avatar-response", e => e.Str("sessionId") == sessionId && e.Int("turn") == turn && e.Bool("isLast"));
        return next;
    }

    public static async Task<int> PendingMigrationsAsync(this HistoryDbContext db) => (await db.Database.GetPendingMigrationsAsync()).Count();
}
