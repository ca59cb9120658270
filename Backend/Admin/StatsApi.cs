using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using RoleplayHub.Admin;
using RoleplayHub.Auth;
using RoleplayHub.Observability;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StatsApi
{
    /// <summary><c>GET /api/stats</c> (admins): this node's sessions, buffers and process health;
    /// <c>?collect=true</c> measures live heap only; <c>?turnsSince=N&amp;eventsSince=M</c> limit the overhead
    /// percentiles to later turns and events, <c>?repliesSince=R&amp;appendsSince=A</c> the realtime ones (counts read
    /// at the start of a benchmark's hold).</summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", Get).WithName("GetStats").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        return app;
    }

    // No Process object per request: its working set reads every thread's file under /proc (milliseconds with a busy
    // pool), and the benchmarks ask for these stats every second. The start time is read once; the working set comes
    // from Environment.WorkingSet, which reads the process's own.
    private static readonly DateTime Started = StartTime();

    // collect=true runs a full, compacting garbage collection first, so managedHeapBytes is live data only (the
    // benchmarks measure memory per session with it; it pauses the process for a few milliseconds).
    private static Ok<NodeStats> Get(SessionManager sessions, PocketSphinxSpeechToText pocketSphinx, RoleplayMetrics metrics, bool? collect, long? turnsSince, long? eventsSince, long? repliesSince, long? appendsSince)
    {
        if (collect == true)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        ThreadPool.GetAvailableThreads(out var workers, out _);
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        return TypedResults.Ok(new NodeStats(
            sessions.GetStats(),
            pocketSphinx.ActiveDecoders,
            pocketSphinx.MaxDecoders,
            Environment.WorkingSet,
            GC.GetTotalMemory(false),
            GC.GetTotalAllocatedBytes(false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration().TotalMilliseconds,
            YoungCollection.Last(),
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            maxWorkers - workers,
            ThreadPool.PendingWorkItemCount,
            (long)(DateTime.UtcNow - Started).TotalSeconds,
            TurnOverhead.From(metrics, turnsSince ?? 0, eventsSince ?? 0),
            RealtimeOverhead.From(metrics, repliesSince ?? 0, appendsSince ?? 0)));
    }

    private static DateTime StartTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.StartTime.ToUniversalTime();
    }
}
