using System.Net.WebSockets;
using System.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>The audio path runs several times a second per session: appending a chunk must not allocate its base64 or
/// its JSON. Measured against a sink that confirms the session and then only drains frames into one buffer.</summary>
[Collection(nameof(AllocationCount))] // alone: the count is process-wide
public sealed class RealtimeAudioPathTests
{
    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Glm)]
    public async Task AppendingAChunkAllocatesFarLessThanItsBase64(string vendor)
    {
        await using var sink = new Sink();
        var options = new RealtimeOptions();
        options.Profiles["sink"] = new RealtimeProfileOptions { Vendor = vendor, Model = "m", ApiKey = "k", Endpoint = new Uri(sink.Url + "/v1/realtime") };
        var models = new RealtimeModels(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLogger<RealtimeModels>.Instance);
        await using var connection = await models.ConnectAsync("sink", RealtimeKit.Setup(RealtimeTurnDetection.Manual), CancellationToken.None);
        var chunk = RealtimeAudio.Speech(100, connection.InputSampleRate); // 100 ms: 4.8 KB at 24 kHz, 6.4 KB of base64
        for (var i = 0; i < 50; i++)
        {
            await connection.AppendAudioAsync(chunk, CancellationToken.None); // warm-up: buffers grow once
        }

        const int Chunks = 400;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Chunks; i++)
        {
            await connection.AppendAudioAsync(chunk, CancellationToken.None);
        }

        var perChunk = (GC.GetTotalAllocatedBytes(precise: true) - before) / Chunks;

        // The whole process is counted (the sink too): an upper bound. Measured: 0–12 B per chunk.
        Assert.True(perChunk < 1024, $"{perChunk} B allocated per {chunk.Length} B chunk");
    }

    /// <summary>A bare WebSocket server on a TcpListener (not Kestrel, whose allocations would blur the count): the HTTP
    /// upgrade by hand, <c>session.created</c>, <c>session.updated</c> after the first message, then it drains frames.</summary>
    private sealed class Sink : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;

        public Sink()
        {
            _listener.Start();
            Url = $"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _serving = ServeAsync();
        }

        public string Url { get; }

        private async Task ServeAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new StringBuilder();
            var one = new byte[1];
            while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            {
                request.Append((char)one[0]);
            }

            var key = request.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
            using var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });
            await ws.SendAsync(Encoding.UTF8.GetBytes("""{"type":"session.created","session":{}}"""), WebSocketMessageType.Text, true, default);
            var buffer = new byte[64 * 1024];
            var confirmed = false;
            while (true)
            {
                var result = await ws.ReceiveAsync(buffer.AsMemory(), default);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", default);
                    return;
                }

                if (!confirmed && result.EndOfMessage)
                {
                    confirmed = true;
                    await ws.SendAsync(Encoding.UTF8.GetBytes("""{"type":"session.updated","session":{}}"""), WebSocketMessageType.Text, true, default);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>Tests that count the process's allocations run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(AllocationCount), DisableParallelization = true)]
public sealed class AllocationCount;
