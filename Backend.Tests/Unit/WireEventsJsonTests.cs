using System.Buffers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Tests.Coaching;

namespace RoleplayHub.Tests.Unit;

/// <summary>The hub's events are written by generated serializers: every event must have one, and the JSON hub
/// protocol must put the same bytes on the wire as with SignalR's own options.</summary>
public sealed class WireEventsJsonTests
{
    [Fact]
    public void EveryEventOfTheClientInterfaceHasAGeneratedSerializer()
    {
        var events = typeof(IRoleplayClient).GetMethods().Select(m => m.GetParameters().Single().ParameterType).ToList();

        Assert.Equal(13, events.Count);
        Assert.All(events, type => Assert.NotNull(WireEventsJson.Default.GetTypeInfo(type)));
    }

    [Fact]
    public void TheJsonHubProtocolWritesTheSameBytesForEveryKindOfEvent()
    {
        var signalR = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions()));
        var ours = new JsonHubProtocolOptions();
        WireEventsJson.Use(ours.PayloadSerializerOptions);
        var generated = new JsonHubProtocol(Options.Create(ours));
        var timings = new TurnTimings(1, 300, 500, 300, 2, 1103, TranscriptMs: 302, FirstTokenMs: 650);
        object[] events =
        [
            new AvatarResponseEvent("s1", 2, 0, false, "价格可以 <再谈> & \"sign\"?", "/media/avatar/ab/abcd.wav?exp=1&sig=x", null, 1200, "audio/wav",
                [new VisemeCue(0, "sil"), new VisemeCue(80, "PP")], timings, 1_700_000_000_000) { Seq = 7 },
            new AiResponseEvent("s1", 2, "The price is fine — é.", 2, 10, timings, 1_700_000_000_000) { Seq = 6, Cut = true },
            new TranscriptionEvent("s1", 2, "what is the price", true, [new WordTiming("what", 10, 200)], timings, 1_700_000_000_000) { Seq = 5 },
            new SessionEndedEvent("s1", "max-turns", 5, 30_000, 1_700_000_000_000, ScriptedDrills.Report()),
            new ErrorEvent(null, "rate-limited", "Too many chunks", true, 1_700_000_000_000),
            new AudioReceivedEvent("s1", 8000, 8000, 16000, 1_700_000_000_000),
        ];

        Assert.All(events, e => Assert.Equal(Written(signalR, e), Written(generated, e)));
    }

    private static string Written(IHubProtocol protocol, object payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new InvocationMessage("event", [payload]), buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
