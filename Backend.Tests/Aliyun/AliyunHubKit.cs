using System.Text.Json;
using RoleplayHub.Tests.Aliyun.Fakes;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>Hub steps for the Aliyun tests: a service wired to the fakes, a zh-CN session, an utterance.</summary>
internal static class AliyunHubKit
{
    public const string Question = "你好，请问价格是多少？";

    public static RoleplayHubFactory Factory(FakeAliyun fake, string media = "oss", params (string Key, string? Value)[] extra)
    {
        var factory = new RoleplayHubFactory();
        foreach (var (key, value) in fake.Settings(media))
        {
            factory.Setting(key, value);
        }

        foreach (var (key, value) in extra)
        {
            factory.Setting(key, value);
        }

        return factory;
    }

    /// <summary>Starts a zh-CN procurement-price session and waits for the persona's spoken opening line.</summary>
    public static async Task<string> StartZhAsync(this RoleplayHubClient client, string language = "zh-CN")
    {
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, language });
        var id = started.GetProperty("sessionId").GetString()!;
        await client.WaitForEventAsync("avatar-response", e => e.Str("sessionId") == id && e.Int("turn") == 0 && e.Bool("isLast"));
        return id;
    }

    /// <summary>Says <paramref name="text"/> as <see cref="FakeSpeech"/> audio and commits; returns the next offset.</summary>
    public static async Task<long> SayAsync(this RoleplayHubClient client, string sessionId, string text, long offset = 0)
    {
        var next = await client.StreamAsync(sessionId, FakeSpeech.Encode(text), startOffset: offset);
        await client.CommitAsync(sessionId);
        return next;
    }

    public static Task<JsonElement> FinalAsync(this RoleplayHubClient client, int turn) =>
        client.WaitForEventAsync("transcription", e => e.Bool("isFinal") && e.Int("turn") == turn);

    public static Task<JsonElement> ErrorAsync(this RoleplayHubClient client, string code) =>
        client.WaitForEventAsync("error", e => e.Str("code") == code);
}
