using System.Net.Http.Headers;
using System.Text.Json;

namespace RoleplayHub.Bench.Latency;

/// <summary>
/// The server's own time on realtime turns, from <c>GET /api/stats</c>'s <c>realtime</c> (as an admin): the counts are
/// read when the hold starts, and the percentiles at the end are of what was recorded after them, so a warm-up's turns
/// do not count.
/// </summary>
internal sealed class RealtimeOverheadProbe(HttpClient http, string url, string adminToken)
{
    private (long Replies, long Appends) _mark;

    /// <summary>Marks the start of the hold.</summary>
    public async Task MarkAsync()
    {
        if (await ReadAsync("") is { } at)
        {
            _mark = (at.GetProperty("replies").GetInt64(), at.GetProperty("appends").GetInt64());
        }
    }

    /// <summary>The overheads since the mark (null when the server has no realtime statistics).</summary>
    public async Task<RealtimeOverhead?> ReadSinceMarkAsync()
    {
        if (await ReadAsync($"repliesSince={_mark.Replies}&appendsSince={_mark.Appends}") is not { } rt)
        {
            return null;
        }

        double D(string name) => rt.GetProperty(name).GetDouble();
        return new RealtimeOverhead(rt.GetProperty("replies").GetInt64() - _mark.Replies, rt.GetProperty("appends").GetInt64() - _mark.Appends,
            D("firstAudioP50"), D("firstAudioP99"), D("firstAudioMax"), D("appendP50"), D("appendP99"));
    }

    private async Task<JsonElement?> ReadAsync(string query)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}/api/stats?{query}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return root.TryGetProperty("realtime", out var realtime) ? realtime.Clone() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}

/// <summary>The server's realtime overheads over the hold (ms); counts are of the hold only.</summary>
internal sealed record RealtimeOverhead(long Replies, long Appends, double FirstAudioP50, double FirstAudioP99, double FirstAudioMax, double AppendP50, double AppendP99);
