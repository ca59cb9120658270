using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Shared steps of the hub tests: start a session, stream audio in chunks, read events.</summary>
internal static class HubTestKit
{
    public const string Scenario = "procurement-price";

    /// <summary>Replaces speech recognition with <see cref="EchoSpeechToText"/> (text streamed as audio).</summary>
    public static RoleplayHubFactory WithEchoSpeech(this RoleplayHubFactory factory) =>
        factory.WithServices(services =>
        {
            services.RemoveAll<ISpeechToText>();
            services.AddSingleton<ISpeechToText, EchoSpeechToText>();
        });

    /// <summary>Adds a scenario file to the admin folder before the service starts.</summary>
    public static RoleplayHubFactory WithScenario(this RoleplayHubFactory factory, string id, int maxTurns, string? grammarFile = null)
    {
        var folder = Path.Combine(factory.DataDirectory, "scenarios");
        Directory.CreateDirectory(folder);
        var grammar = "";
        if (grammarFile is not null)
        {
            File.Copy(grammarFile, Path.Combine(folder, Path.GetFileName(grammarFile)));
            grammar = $"\"grammar\": \"{Path.GetFileName(grammarFile)}\",";
        }

        File.WriteAllText(Path.Combine(folder, id + ".json"), $$"""
            {
              "id": "{{id}}", "kind": "test", "maxTurns": {{maxTurns}}, "defaultLanguage": "en-US",
              "variants": { "en-US": {
                "title": "Test drill", "persona": { "name": "Tess", "role": "Tester" },
                "systemPrompt": "You test.", "openingLine": "Ready when you are.", "closingLine": "That is all, thank you.", {{grammar}}
                "script": { "intents": [ { "id": "price", "keywords": ["price"], "replies": ["The price is fine."] } ],
                            "fallbacks": ["Tell me more."] } } }
            }
            """);
        return factory;
    }

    public static async Task<string> StartAsync(this RoleplayHubClient client, string scenario = Scenario, string? sessionId = null, object? audioFormat = null, bool waitForOpening = true)
    {
        var started = await client.InvokeAsync("start-session", new { sessionId, scenarioId = scenario, audioFormat });
        var id = started.GetProperty("sessionId").GetString()!;
        if (waitForOpening)
        {
            await client.WaitForEventAsync("avatar-response", e => e.Str("sessionId") == id && e.Int("turn") == 0 && e.Bool("isLast"));
        }

        return id;
    }

    /// <summary>Streams <paramref name="audio"/> as audio-chunk invocations with byte offsets (the audio as the
    /// connection's protocol carries it).</summary>
    public static async Task<long> StreamAsync(this RoleplayHubClient client, string sessionId, byte[] audio, int chunkBytes = 8_000, long startOffset = 0)
    {
        foreach (var (offset, bytes) in TestAudio.Chunks(audio, chunkBytes))
        {
            await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, bytes, startOffset + offset));
        }

        return startOffset + audio.Length;
    }

    public static Task CommitAsync(this RoleplayHubClient client, string sessionId) => client.InvokeAsync("commit-audio", new { sessionId });

    /// <summary>Says <paramref name="text"/> (through <see cref="EchoSpeechToText"/>) and commits; returns the
    /// ai-response and the stream offset after the utterance.</summary>
    public static async Task<(JsonElement Reply, long Offset)> SayAsync(this RoleplayHubClient client, string sessionId, string text, int turn, long offset)
    {
        var next = await client.StreamAsync(sessionId, EchoSpeechToText.Speak(text), startOffset: offset);
        await client.CommitAsync(sessionId);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Str("sessionId") == sessionId && e.Int("turn") == turn);
        return (reply, next);
    }

    /// <summary>The call is refused with <paramref name="expectedCode"/>, both ways a client can learn it: the
    /// invocation fails, and an error event arrives.</summary>
    public static async Task<HubException> RefusedAsync(this RoleplayHubClient client, string target, object argument, string expectedCode)
    {
        var refusal = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync(target, argument));
        // The client's HubException carries the server's wording: "An unexpected error occurred invoking '…' on the
        // server. HubException: code: text".
        Assert.Contains($"HubException: {expectedCode}:", refusal.Message, StringComparison.Ordinal);
        var error = await client.WaitForEventAsync("error", e => e.Str("code") == expectedCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));
        return refusal;
    }

    public static string? Str(this JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();

    public static long Long(this JsonElement e, string name) => e.GetProperty(name).GetInt64();

    public static bool Bool(this JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
