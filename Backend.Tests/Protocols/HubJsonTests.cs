using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Protocols;

/// <summary>The hub's JSON options write events through generated writers, with the fields reflection would write.</summary>
public sealed class HubJsonTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    public static TheoryData<string> Events() => [.. MessagePackContractTests.Samples().Keys];

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryEventHasTheFieldsReflectionWouldWrite(string name)
    {
        var hub = HubOptions();
        var value = MessagePackContractTests.Samples()[name];

        var generated = JsonNode.Parse(JsonSerializer.Serialize(value, value.GetType(), hub));
        var reflected = JsonNode.Parse(JsonSerializer.Serialize(value, value.GetType(), ByReflection(hub)));

        Assert.True(JsonNode.DeepEquals(generated, reflected), $"generated {generated}\nreflection {reflected}");
    }

    [Fact]
    public void AnEventWithNestedObjectsIsWrittenWithoutTheReflectionSerializersStack()
    {
        var hub = HubOptions();
        var avatar = new AvatarResponseEvent("s1", 2, 0, true, "Fine.", "/media/a.wav", null, 900, "audio/wav", [new VisemeCue(0, "sil")], new TurnTimings(1, 2, 3, null, 5, 11), 1_700_000_000_000) { Seq = 9 };

        var generated = AllocatedWriting(avatar, hub);
        var reflected = AllocatedWriting(avatar, ByReflection(hub));

        Assert.True(generated < reflected, $"generated writers allocated {generated} bytes, reflection {reflected}");
    }

    private JsonSerializerOptions HubOptions() =>
        _factory.Services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;

    private static JsonSerializerOptions ByReflection(JsonSerializerOptions hub) => new(hub) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static long AllocatedWriting(object value, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer);
        void Write()
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
            writer.Flush();
        }

        Write(); // metadata built, methods compiled
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            Write();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
