using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using RoleplayHub.Auth;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StatsApi
{
    /// <summary><c>GET /api/stats</c> (admins): this node's sessions, buffers and process health.</summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", Get).WithName("GetStats").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        return app;
    }

    private static Ok<NodeStats> Get(SessionManager sessions, PocketSphinxSpeechToText pocketSphinx)
    {
        using var process = Process.GetCurrentProcess();
        ThreadPool.GetAvailableThreads(out var workers, out _);
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        return TypedResults.Ok(new NodeStats(
            sessions.GetStats(),
            pocketSphinx.ActiveDecoders,
            pocketSphinx.MaxDecoders,
            process.WorkingSet64,
            GC.GetTotalMemory(false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration().TotalMilliseconds,
            maxWorkers - workers,
            ThreadPool.PendingWorkItemCount,
            (long)(DateTime.UtcNow - process.StartTime.ToUniversalTime()).TotalSeconds));
    }
}

public sealed record NodeStats(
    SessionStats Sessions,
    int SttDecoders,
    int SttDecoderLimit,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseMs,
    int BusyThreadPoolThreads,
    long ThreadPoolQueue,
    long UptimeSeconds);
