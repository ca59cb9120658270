using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Admin;

/// <summary><c>GET /api/stats</c>: this node's sessions, buffers and process health.</summary>
public sealed record NodeStats(
    SessionStats Sessions,
    int SttDecoders,
    int SttDecoderLimit,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    long AllocatedBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseMs,
    YoungCollection? LastYoungCollection,
    long JitCompiledMethods,
    double JitCompilationMs,
    int BusyThreadPoolThreads,
    long ThreadPoolQueue,
    long UptimeSeconds,
    TurnOverhead Overhead,
    RealtimeOverhead Realtime);

/// <summary>The last gen0 or gen1 collection: what it copied (the bytes that survived it) and how long it paused the
/// process. Those pauses are the tail of every latency the server reports; a poller that reads <see cref="Index"/>
/// often enough sees each one (the benchmark's load generator averages them over its hold).</summary>
public sealed record YoungCollection(long Index, int Generation, long PromotedBytes, double PauseMs)
{
    public static YoungCollection? Last()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        return info.Index == 0 ? null : new YoungCollection(info.Index, info.Generation, info.PromotedBytes, info.PauseDurations[0].TotalMilliseconds);
    }
}

/// <summary>The server's own time around the providers in recent turns (ms): from the end of the utterance to the STT
/// call, and from a provider's result to its event written to the connection.</summary>
public sealed record TurnOverhead(long Turns, long Events, double FlushToSttP50, double FlushToSttP99, double ResultToWireP50, double ResultToWireP99)
{
    public static TurnOverhead From(RoleplayMetrics metrics, long turnsSince = 0, long eventsSince = 0)
    {
        var flush = metrics.FlushToStt.Summarize(turnsSince);
        var wire = metrics.ResultToWire.Summarize(eventsSince);
        return new TurnOverhead(flush.Samples, wire.Samples, flush.P50, flush.P99, wire.P50, wire.P99);
    }
}

/// <summary>The server's own time on recent realtime turns (ms), the upstream's excluded: from the socket read of the
/// reply audio that completes the first segment to its <c>avatar-response</c> written (stored WAV, lip-sync, the event),
/// and per chunk of the trainee's audio, resampling and appending it upstream.</summary>
public sealed record RealtimeOverhead(long Replies, long Appends, double FirstAudioP50, double FirstAudioP99, double FirstAudioMax, double AppendP50, double AppendP99)
{
    public static RealtimeOverhead From(RoleplayMetrics metrics, long repliesSince = 0, long appendsSince = 0)
    {
        var first = metrics.RealtimeFirstAudio.Summarize(repliesSince);
        var append = metrics.RealtimeAppend.Summarize(appendsSince);
        return new RealtimeOverhead(first.Samples, append.Samples, first.P50, first.P99, first.Max, append.P50, append.P99);
    }
}
