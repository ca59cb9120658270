using System.Text.Json;
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

    public static async Task<string> StartAsync(this HubTestClient client, string scenario = Scenario, string? sessionId = null, object? audioFormat = null, bool waitForOpening = true)
    {
        var started = await client.InvokeAsync("start-session", new { sessionId, scenarioId = scenario, audioFormat });
        var id = started.GetProperty("sessionId").GetString()!;
        if (waitForOpening)
        {
            await client.WaitForEventAsync("avatar-response", e => e.Str("sessionId") == id && e.Int("turn") == 0 && e.Bool("isLast"));
        }

        return id;
    }

    /// <summary>Streams <paramref name="audio"/> as audio-chunk invocations with byte offsets.</summary>
    public static async Task<long> StreamAsync(this HubTestClient client, string sessionId, byte[] audio, int chunkBytes = 8_000, long startOffset = 0)
    {
        foreach (var (offset, bytes) in TestAudio.Chunks(audio, chunkBytes))
        {
            await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(bytes), offset = startOffset + offset });
        }

        return startOffset + audio.Length;
    }

    public static Task CommitAsync(this HubTestClient client, string sessionId) => client.InvokeAsync("commit-audio", new { sessionId });

    /// <summary>Says <paramref name="text"/> (through <see cref="EchoSpeechToText"/>) and commits; returns the
    /// ai-response and the stream offset after the utterance.</summary>
    public static async Task<(JsonElement Reply, long Offset)> SayAsync(this HubTestClient client, string sessionId, string text, int turn, long offset)
    {
        var next = await client.StreamAsync(sessionId, EchoSpeechToText.Speak(text), startOffset: offset);
        await client.CommitAsync(sessionId);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Str("sessionId") == sessionId && e.Int("turn") == turn);
        return (reply, next);
    }

    public static async Task<HubInvocationException> RefusedAsync(this HubTestClient client, string target, object argument, string expectedCode)
    {
        var refusal = await Assert.ThrowsAsync<HubInvocationException>(() => client.InvokeAsync(target, argument));
        // SignalR words an invocation error as "An unexpected error occurred invoking '…' on the server. HubException: …".
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
