using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>The test client records an event as the same JSON whichever protocol carried it, so the hub tests'
/// assertions read MessagePack connections unchanged.</summary>
public sealed class RecordedEventTests
{
    private static readonly object Payload = new
    {
        sessionId = "s-1",
        turn = 3,
        isFinal = true,
        confidence = 0.5,
        videoUrl = (string?)null,
        audio = new byte[] { 1, 2, 3, 250 },
        words = new[] { new { word = "price", startMs = 0, endMs = 420 } },
        timestamp = 1_767_225_600_000L,
    };

    [Fact]
    public void AnEventCarriedByMessagePackIsRecordedAsTheJsonProtocolWouldGiveIt()
    {
        var overJson = Record(new JsonHubProtocol(), typeof(JsonElement));
        var overMessagePack = Record(new MessagePackHubProtocol(), typeof(object));

        Assert.Equal("transcription", overMessagePack.Name);
        Assert.True(JsonElement.DeepEquals(overJson.Payload, overMessagePack.Payload),
            $"JSON: {overJson.Payload.GetRawText()}\nMessagePack: {overMessagePack.Payload.GetRawText()}");
        Assert.Equal("AQID+g==", overMessagePack.Payload.GetProperty("audio").GetString()); // binary as base64, like System.Text.Json
    }

    /// <summary>Writes the event as the server would in <paramref name="protocol"/> and records it as the test client
    /// does.</summary>
    private static HubEvent Record(IHubProtocol protocol, Type payloadType)
    {
        var wire = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new InvocationMessage("transcription", [Payload]), wire);
        HubEvent? recorded = null;
        var recording = new RecordingHubProtocol(protocol, invocation => recorded = RoleplayHubClient.ToEvent(invocation));

        var input = new ReadOnlySequence<byte>(wire.WrittenMemory);
        Assert.True(recording.TryParseMessage(ref input, new Binder(payloadType), out var message));
        Assert.IsType<InvocationMessage>(message);
        return recorded!;
    }

    private sealed class Binder(Type payloadType) : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [payloadType];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
