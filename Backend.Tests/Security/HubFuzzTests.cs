using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Security;

/// <summary>Threat: a client sending random and malformed payloads to every hub method, to crash the server, take its
/// own connection into a bad state, or disturb other users' sessions. Every call must end in a result or an error the
/// client can read; the connection, the server and a bystander's drill carry on.</summary>
public sealed class HubFuzzTests : IDisposable
{
    private const int PayloadsPerMethod = 120;
    private static readonly string[] Methods = ["start-session", "audio-chunk", "commit-audio", "retry-turn", "end-session", "stream-audio"];
    private static readonly string[] FieldNames =
        ["sessionId", "scenarioId", "audioData", "offset", "commit", "language", "audioFormat", "encoding", "sampleRate", "channels", "lastSeq", "idleFlush", "modelProfile", "totalChunks", "SESSIONID", "x"];

    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData(WireProtocol.Json, 1)]
    [InlineData(WireProtocol.MessagePack, 2)]
    public async Task RandomPayloadsToEveryMethodGetAnswersAndDisturbNobody(WireProtocol protocol, int seed)
    {
        var random = new Random(seed);
        await using var bystander = await _factory.ConnectAsync("bystander");
        var bystanderSession = await bystander.StartAsync();
        await using var fuzzer = await _factory.ConnectAsync("fuzzer", new HubClientOptions(Protocol: protocol));
        var outcomes = new Dictionary<string, int>();

        foreach (var method in Methods)
        {
            for (var i = 0; i < PayloadsPerMethod; i++)
            {
                var outcome = await CallAsync(fuzzer, method, random);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        var (reply, _) = await bystander.SayAsync(bystanderSession, "what is the price", turn: 1, offset: 0);
        using var http = _factory.CreateClient();
        var live = await http.GetAsync("/healthz");

        Assert.True(fuzzer.ClosedReason is null, $"{fuzzer.ClosedReason} after {string.Join(", ", outcomes)}");
        Assert.DoesNotContain("crashed", outcomes.Keys);
        Assert.True(outcomes.GetValueOrDefault("refused") > PayloadsPerMethod, string.Join(", ", outcomes));
        Assert.False(string.IsNullOrWhiteSpace(reply.Str("text")));
        Assert.Empty(bystander.EventsNamed("error"));
        Assert.True(live.IsSuccessStatusCode);
        await fuzzer.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario }); // still usable (or a clear refusal)
    }

    private static async Task<string> CallAsync(RoleplayHubClient client, string method, Random random)
    {
        var shape = random.Next(10);
        object?[] arguments = shape switch
        {
            0 => [],
            1 => [RandomValue(random, 2), RandomValue(random, 2)],
            _ => [RandomValue(random, 3)],
        };
        if (client.Protocol == WireProtocol.MessagePack)
        {
            arguments = [.. arguments.Select(a => Plain(a as JsonNode, random))];
        }

        try
        {
            if (method == "stream-audio")
            {
                var target = random.Next(2) == 0 ? RandomValue(random, 1) : "no-such-session";
                var stream = await client.StartStreamAsync(method, client.Protocol == WireProtocol.MessagePack ? Plain(target, random) : target);
                for (var i = random.Next(4); i > 0; i--)
                {
                    var item = RandomValue(random, 2) ?? new JsonObject();
                    await stream.WriteAsync(client.Protocol == WireProtocol.MessagePack ? Plain(item, random) ?? new Dictionary<string, object?>() : item);
                }

                stream.TryComplete();
                return "streamed";
            }

            await client.InvokeCoreAsync(method, arguments);
            return "answered";
        }
        catch (HubException)
        {
            return "refused";
        }
        catch (Exception ex) when (ex is InvalidOperationException or TaskCanceledException or TimeoutException)
        {
            return "crashed";
        }
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 0 ? 9 : 6))
        {
            case 0: return null;
            case 1: return random.Next(2) == 0;
            case 2: return random.Next(4) switch { 0 => long.MaxValue - random.Next(8), 1 => -random.NextInt64(), 2 => random.Next(100_000), _ => 0 };
            case 3: return random.NextDouble() * 1e12;
            case 4: return RandomString(random);
            case 5: return random.Next(3) == 0 ? HubTestKit.Scenario : Convert.ToBase64String(RandomBytes(random));
            case 6:
            case 7:
                var map = new JsonObject();
                for (var i = random.Next(6); i > 0; i--)
                {
                    map[FieldNames[random.Next(FieldNames.Length)]] = RandomValue(random, depth - 1);
                }

                return map;
            default:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(RandomValue(random, depth - 1));
                }

                return array;
        }
    }

    /// <summary>The value as plain objects for MessagePack (maps, arrays, primitives), with some strings as raw bytes.</summary>
    private static object? Plain(JsonNode? node, Random random) => node switch
    {
        null => null,
        JsonObject map => map.ToDictionary(p => p.Key, p => Plain(p.Value, random)),
        JsonArray array => array.Select(item => Plain(item, random)).ToArray(),
        JsonValue value when value.TryGetValue<string>(out var text) && random.Next(3) == 0 => RandomBytes(random),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<long>(out var integer) => integer,
        JsonValue value when value.TryGetValue<int>(out var small) => small,
        JsonValue value => value.GetValue<double>(),
        _ => null,
    };

    private static string RandomString(Random random)
    {
        var length = random.Next(5) == 0 ? random.Next(5_000) : random.Next(20);
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)r.Next(1, 0xD7FF);
            }
        });
    }

    private static byte[] RandomBytes(Random random)
    {
        // Up to 150 KB: several in one message stay under the hub's message size limit, beyond which SignalR closes the
        // connection by design (HubRobustnessTests covers a frame it cannot read).
        var bytes = new byte[random.Next(4) == 0 ? random.Next(150_000) : random.Next(2_000)];
        random.NextBytes(bytes);
        return bytes;
    }
}
