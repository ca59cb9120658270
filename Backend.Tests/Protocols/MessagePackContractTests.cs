using System.Text.Json;
using System.Text.Json.Nodes;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Protocols;

/// <summary>The two hub protocols carry the same payloads: field for field, as the server configures them.</summary>
public sealed class MessagePackContractTests : IDisposable
{
    private static readonly TurnTimings Timings = new(1, 2, 3, null, 5, 11);
    private static readonly TurnTimings EveryTiming = new(0, 2, 3, 4, 5, 11, 7, 8, 9);
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    public static TheoryData<string> Events() => [.. Samples().Keys];

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryEventHasTheSameFieldsOverMessagePackAsOverJson(string name)
    {
        var (json, messagePack) = Protocols();
        var value = Samples()[name];

        var overJson = JsonNode.Parse(JsonSerializer.Serialize(value, value.GetType(), json));
        var overMessagePack = JsonNode.Parse(MessagePackSerializer.ConvertToJson(MessagePackSerializer.Serialize(value.GetType(), value, messagePack)));

        Assert.True(JsonNode.DeepEquals(overJson, overMessagePack), $"JSON {overJson}\nMessagePack {overMessagePack}");
    }

    [Theory]
    [InlineData(typeof(AudioReceivedEvent))]
    [InlineData(typeof(TranscriptionEvent))]
    [InlineData(typeof(AiResponseDeltaEvent))]
    [InlineData(typeof(AiResponseEvent))]
    [InlineData(typeof(AvatarResponseEvent))]
    public void AnEventWrittenByAFormatterOfItsOwnHasASampleWithEveryFieldSet(Type type)
    {
        // The formatters of their own are held to the JSON form only field by field: a field no sample sets could be
        // left out of MessagePack unnoticed.
        var fields = type.GetProperties().Where(p => p.Name != "EqualityContract").ToList();
        var samples = Samples().Values.Where(type.IsInstanceOfType).ToList();

        Assert.NotEmpty(samples);
        var unset = fields.Where(f => samples.All(s => IsUnset(f.GetValue(s)))).Select(f => f.Name).ToList();
        Assert.True(unset.Count == 0, $"never set: {string.Join(", ", unset)}");
    }

    [Fact]
    public void AnAudioChunkReadsTheSameAudioFromBytesAsFromBase64()
    {
        var (_, messagePack) = Protocols();
        var audio = Enumerable.Range(0, 999).Select(i => (byte)i).ToArray();

        var fromBytes = Read(MessagePackSerializer.Serialize(new { sessionId = "s1", audioData = audio, offset = 64L }), messagePack);
        var fromBase64 = Read(MessagePackSerializer.Serialize(new { SessionID = "s1", audioData = Convert.ToBase64String(audio), Offset = 64L }), messagePack);

        Assert.Equal(audio, fromBytes.Audio.ToArray());
        Assert.Equal(audio, fromBase64.Audio.ToArray());
        Assert.Equal(("s1", 64L), (fromBytes.SessionId, fromBytes.Offset!.Value));
        Assert.Equal(("s1", 64L), (fromBase64.SessionId, fromBase64.Offset!.Value));
        Assert.Null(fromBytes.BindingError);
        Assert.Null(fromBase64.BindingError);
        fromBytes.Release();
        fromBase64.Release();
    }

    [Fact]
    public void ARequestOfTheWrongShapeIsABindingErrorNotAnException()
    {
        var (_, messagePack) = Protocols();

        var start = MessagePackSerializer.Deserialize<StartSessionRequest>(MessagePackSerializer.Serialize(new { scenarioId = 42 }), messagePack);
        var commit = MessagePackSerializer.Deserialize<SessionRequest>(MessagePackSerializer.Serialize(new[] { 1, 2 }), messagePack);
        var chunk = Read(MessagePackSerializer.Serialize(new { sessionId = "s1", audioData = true }), messagePack);

        Assert.Contains("scenarioId", start!.BindingError, StringComparison.Ordinal);
        Assert.NotNull(commit!.BindingError);
        Assert.Equal("audioData must be binary (or a base64 string).", chunk.BindingError);
    }

    private static bool IsUnset(object? value) => value switch
    {
        null or false or 0 or 0L => true,
        TurnTimings t => new[] { t.QueueMs, t.SttMs, t.AiMs, t.TtsMs, t.StoreMs, t.TotalMs, t.TranscriptMs, t.FirstTokenMs, t.FirstAudioMs }.Any(ms => ms is null),
        _ => false,
    };

    private static AudioChunkRequest Read(byte[] payload, MessagePackSerializerOptions options) =>
        MessagePackSerializer.Deserialize<AudioChunkRequest>(payload, options)!;

    private (JsonSerializerOptions Json, MessagePackSerializerOptions MessagePack) Protocols() => (
        _factory.Services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions,
        _factory.Services.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.SerializerOptions);

    internal static Dictionary<string, object> Samples() => new()
    {
        ["session-started"] = new SessionStartedEvent("s1", "procurement-price", "en-US", 8, new PersonaInfo("Dana", "Buyer", "Tough", "en-us"),
            new AudioConfig("pcm16", 16_000, 1, 250, 64_000, 32_000, 2_000), new TurnDetectionConfig("semantic-vad", "energy", 0.6f, 300, 300, "auto", 2_000), Resumed: true, 1_024, 3, 1_700_000_000_000),
        ["session-started (turn detection none)"] = new SessionStartedEvent("s1", "procurement-price", "en-US", 8, new PersonaInfo("Dana", "Buyer", "Tough", "en-us"),
            new AudioConfig("pcm16", 16_000, 1, 250, 64_000, 32_000, 2_000), new TurnDetectionConfig("none", null, null, null, null, null, null), Resumed: false, 0, 0, 1_700_000_000_000),
        ["speech-started"] = new SpeechStartedEvent("s1", 2, 12_480, 1_700_000_000_000) { Seq = 5 },
        ["speech-stopped"] = new SpeechStoppedEvent("s1", 2, 14_950, 1_700_000_000_000) { Seq = 6 },
        ["audio-received"] = new AudioReceivedEvent("s1", 8_000, 16_000, 24_000, 1_700_000_000_000),
        ["audio-received (duplicate)"] = new AudioReceivedEvent("s1", 8_000, 0, 24_000, 1_700_000_000_000) { Duplicate = true },
        ["audio-received (a WAV header's settings)"] = new AudioReceivedEvent("s1", 8_000, 0, 8_000, 1_700_000_000_000)
        {
            AudioConfig = new AudioConfig("wav", 8_000, 1, 250, 64_000, 16_000, 2_000),
            Warnings = ["8 kHz audio is recognised poorly."],
        },
        ["transcription"] = new TranscriptionEvent("s1", 2, "what is the price", true, [new WordTiming("what", 0, 210), new WordTiming("price", 400, 800)], Timings, 1_700_000_000_000) { Seq = 7 },
        ["transcription (partial, no words yet)"] = new TranscriptionEvent("s1", 2, "what is", false, null, TurnTimings.None, 1_700_000_000_000) { Seq = 6 },
        ["transcription (every timing)"] = new TranscriptionEvent("s1", 2, "price", true, [], EveryTiming, 1_700_000_000_000) { Seq = 7 },
        ["response-interrupted"] = new ResponseInterruptedEvent("s1", 2, "That price is", 840, 1_700_000_000_000) { Seq = 10 },
        ["response-resumed"] = new ResponseResumedEvent("s1", 2, 1, 1_700_000_000_000) { Seq = 11 },
        ["ai-response-delta"] = new AiResponseDeltaEvent("s1", 2, 0, "Too ", 1_700_000_000_000),
        ["ai-response-delta (a later piece)"] = new AiResponseDeltaEvent("s1", 2, 3, "high.", 1_700_000_000_000),
        ["ai-response"] = new AiResponseEvent("s1", 2, "Too high.", 2, 8, Timings, 1_700_000_000_000) { Seq = 8 },
        ["ai-response (cut)"] = new AiResponseEvent("s1", 2, "Too high, and", 2, 8, Timings, 1_700_000_000_000) { Seq = 8, Cut = true },
        ["ai-response (escaped and non-ASCII text)"] = new AiResponseEvent("s1", 2, "价格 \"太高\" — é\\\n<ok> &", 2, 8, Timings, 1_700_000_000_000) { Seq = 8 },
        ["ai-response (cut, every timing)"] = new AiResponseEvent("s1", 2, "Too", 2, 8, EveryTiming, 1_700_000_000_000) { Seq = 8, Cut = true, TextOnly = true },
        ["ai-response (text only)"] = new AiResponseEvent("s1", 0, "Hello, I'm Dana.", 0, 8, Timings, 1_700_000_000_000) { Seq = 1, TextOnly = true },
        ["avatar-response"] = new AvatarResponseEvent("s1", 2, 0, true, "Too high.", "http://x/media/a?exp=1&sig=2", null, 1_250, "audio/wav",
            [new VisemeCue(0, "sil"), new VisemeCue(80, "aa")], Timings, 1_700_000_000_000) { Seq = 9 },
        ["avatar-response (a video, no visemes)"] = new AvatarResponseEvent("s1", 2, 1, false, "价格 \"太高\"", "http://x/media/b?exp=1&sig=2", "http://x/video/b.mp4", 900,
            "audio/mpeg", null, EveryTiming, 1_700_000_000_000) { Seq = 10 },
        ["session-ended"] = new SessionEndedEvent("s1", "max-turns", 8, 95_000, 1_700_000_000_000),
        ["session-ended (with a report)"] = new SessionEndedEvent("s1", "max-turns", 8, 95_000, 1_700_000_000_000, Coaching.ScriptedDrills.Report()),
        ["error"] = new ErrorEvent(null, "chunk-too-large", "An audio chunk may hold at most 64000 bytes.", false, 1_700_000_000_000),
    };
}
