using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Shared steps of the live-session-over-HTTP tests, with nothing but an <see cref="HttpClient"/>.</summary>
internal static class LiveHttpTestKit
{
    public const string Sessions = "/api/live-sessions";

    /// <summary>Starts a session over HTTP and returns session-started.</summary>
    public static async Task<JsonElement> StartLiveAsync(this HttpClient http, object request)
    {
        var response = await http.PostAsJsonAsync(Sessions, request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>One chunk as raw bytes, its offset in <c>X-Audio-Offset</c>.</summary>
    public static Task<HttpResponseMessage> PostAudioAsync(this HttpClient http, string sessionId, byte[] audio, long? offset)
    {
        var content = new ByteArrayContent(audio);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Sessions}/{sessionId}/audio") { Content = content };
        if (offset is { } at)
        {
            request.Headers.Add("X-Audio-Offset", at.ToString(CultureInfo.InvariantCulture));
        }

        return http.SendAsync(request);
    }

    /// <summary>Streams <paramref name="audio"/> as raw chunks with offsets, each acknowledged; returns the offset after it.</summary>
    public static async Task<long> StreamLiveAsync(this HttpClient http, string sessionId, byte[] audio, int chunkBytes = 8_000, long startOffset = 0)
    {
        foreach (var (offset, bytes) in TestAudio.Chunks(audio, chunkBytes))
        {
            using var response = await http.PostAudioAsync(sessionId, bytes, startOffset + offset);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        return startOffset + audio.Length;
    }

    public static async Task CommitLiveAsync(this HttpClient http, string sessionId)
    {
        using var response = await http.PostAsync($"{Sessions}/{sessionId}/commit", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public static Task<EventStreamReader> EventsAsync(this HttpClient http, string sessionId, long? lastEventId = null) =>
        EventStreamReader.OpenAsync(http, $"{Sessions}/{sessionId}/events", lastEventId);

    /// <summary>The refusal is a problem carrying the hub's error <paramref name="code"/>.</summary>
    public static async Task<JsonElement> RefusedAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await Security.ProblemAssert.ProblemAsync(response, status);
        Assert.Equal(code, problem.Str("code"));
        Assert.Contains(problem.GetProperty("retryable").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("detail")));
        return problem;
    }
}
