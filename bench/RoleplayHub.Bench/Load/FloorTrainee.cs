using System.Collections.Concurrent;
using System.Diagnostics;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// A trainee of the floor server (<c>--target floor</c>, <c>bench/run.sh floor</c>): one WebSocket to <c>/floor</c>,
/// the recording streamed in 250 ms chunks at real-time pace as the hub's trainees stream it on the audio socket, an
/// utterance, then a pause (<c>--pause</c>) where they would wait for the reply; every 8-byte message back is an
/// acknowledgement. No session, no commit, no reply.
/// </summary>
internal sealed class FloorTrainee(int index, LoadRun run) : ITrainee
{
    private readonly ConcurrentQueue<long> _unacked = new();
    private readonly ChunkPacer _pacer = new();
    private AudioSocket? _socket;

    public bool HasSession => _socket is { IsOpen: true };

    public bool IsConnected => HasSession;

    public async Task RunAsync(long startAt, long deadline)
    {
        await Timing.DelayUntil(startAt);
        var connecting = Stopwatch.GetTimestamp();
        try
        {
            var uri = WebSocketUrls.Of(run.Options.Url, "/floor");
            _socket = await AudioSocket.OpenAsync(run, run.WebSockets, uri, OnAck, message => run.Count("floorEvents", message));
        }
        catch (Exception ex)
        {
            run.Count("connectErrors", ex.Message);
            _pacer.Dispose();
            return;
        }

        run.Connect.Add(Timing.Ms(connecting));
        long offset = 0, stamp = 0;
        while (Stopwatch.GetTimestamp() < deadline && _socket.IsOpen)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < run.Chunks.Count; i++)
            {
                var due = LoadRun.ChunkDue(t0, i);
                await _pacer.UntilAsync(due);
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    break;
                }

                _unacked.Enqueue(run.RecordSend(due));
                await _socket.SendChunkAsync(run.Chunks[i], offset, index, stamp++);
                offset += run.Chunks[i].Length;
                Interlocked.Increment(ref run.ChunksSent);
            }

            await Timing.DelayUntil(Math.Min(Stopwatch.GetTimestamp() + Timing.Ticks(run.Options.Pause.TotalMilliseconds), deadline));
        }

        _pacer.Dispose();
        await _socket.DisposeAsync();
    }

    private void OnAck() => run.Acknowledged(_unacked, 1);
}
