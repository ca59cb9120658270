using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoleplayHub.Hubs.Transport;

namespace RoleplayHub.Bench.Floor;

/// <summary>
/// The floor under the audio socket's workload (<c>bench/run.sh floor</c>): Kestrel with the hub's connection memory
/// pool, and a WebSocket at <c>/floor</c> that reads each binary message (an 8-byte offset and a chunk of audio) and
/// answers it with the 8 bytes an acknowledgement is. No hub, no session, no audio path, no turns: what a chunk costs
/// here is what the kernel, Kestrel and WebSocket framing cost on this machine, under any server built on them.
/// </summary>
internal static class FloorServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, AudioMemoryPoolFactory>(); // one recv per chunk, as the hub
        var app = builder.Build();
        app.UseWebSockets();
        app.MapGet("/healthz", () => "ok");
        app.Map("/floor", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await AcknowledgeAsync(socket, context.RequestAborted);
        });
        Console.WriteLine("floor server listening");
        await app.RunAsync();
        return 0;
    }

    /// <summary>Answers every binary message with its first 8 bytes. The buffers are the connection's for its life:
    /// nothing is allocated per chunk.</summary>
    private static async Task AcknowledgeAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[16 * 1024];
        var ack = new byte[8];
        try
        {
            while (true)
            {
                var received = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(received), aborted);
                    received = Math.Min(received + result.Count, buffer.Length - 1);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary && received >= 8)
                {
                    buffer.AsSpan(0, 8).CopyTo(ack);
                    await socket.SendAsync(ack, WebSocketMessageType.Binary, true, aborted);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // the trainee went away
        }
    }
}
