using System.Diagnostics.Metrics;

namespace RoleplayHub.Observability;

/// <summary>
/// The service's own <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>RoleplayHub</c>), readable with
/// dotnet-counters or any OpenTelemetry/Prometheus bridge next to the framework's meters
/// (<c>Microsoft.AspNetCore.SignalR</c>, <c>Microsoft.AspNetCore.Server.Kestrel</c>, <c>System.Runtime</c>).
/// </summary>
public sealed class RoleplayMetrics
{
    public const string MeterName = "RoleplayHub";

    private readonly Meter _meter;

    public RoleplayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        SessionsStarted = _meter.CreateCounter<long>("roleplay.sessions.started", description: "Sessions opened");
        SessionsEnded = _meter.CreateCounter<long>("roleplay.sessions.ended", description: "Sessions ended, by reason");
        AudioChunks = _meter.CreateCounter<long>("roleplay.audio.chunks", description: "Audio chunks accepted");
        AudioBytes = _meter.CreateCounter<long>("roleplay.audio.bytes", unit: "By", description: "Audio bytes accepted");
        Errors = _meter.CreateCounter<long>("roleplay.errors", description: "error events sent, by code");
        TurnsCompleted = _meter.CreateCounter<long>("roleplay.turns.completed", description: "User turns answered");
        StageDuration = _meter.CreateHistogram<double>("roleplay.turn.stage.duration", unit: "ms", description: "Time per pipeline stage (queue, stt, ai, tts, store)");
        TurnLatency = _meter.CreateHistogram<double>("roleplay.turn.latency", unit: "ms", description: "End of the user's speech (the voice detector's stop, or the flush) to a milestone of the turn: final-transcript, first-token, first-audio (the first avatar-response on the wire)");
        BargeInLatency = _meter.CreateHistogram<double>("roleplay.bargein.latency", unit: "ms", description: "The trainee's speech detected during the persona's reply → response-interrupted sent");
        Overhead = _meter.CreateHistogram<double>("roleplay.turn.overhead", unit: "ms", description: "Server time around the providers: flush → STT call, provider result → event written");
        RealtimeOverhead = _meter.CreateHistogram<double>("roleplay.realtime.overhead", unit: "ms", description: "Server time on a realtime model's turn: the reply audio completing its first segment read from the socket → avatar-response written (first_audio); a chunk resampled and appended upstream (append)");
    }

    public Counter<long> SessionsStarted { get; }

    public Counter<long> SessionsEnded { get; }

    public Counter<long> AudioChunks { get; }

    public Counter<long> AudioBytes { get; }

    public Counter<long> Errors { get; }

    public Counter<long> TurnsCompleted { get; }

    public Histogram<double> StageDuration { get; }

    public Histogram<double> TurnLatency { get; }

    public Histogram<double> Overhead { get; }

    public Histogram<double> BargeInLatency { get; }

    public Histogram<double> RealtimeOverhead { get; }

    /// <summary>Recent flush → STT call delays (ms), for /api/stats percentiles.</summary>
    public LatencyReservoir FlushToStt { get; } = new();

    /// <summary>Recent provider result → event written delays (ms), for /api/stats percentiles.</summary>
    public LatencyReservoir ResultToWire { get; } = new();

    /// <summary>Recent realtime first-audio overheads (ms), for /api/stats percentiles.</summary>
    public LatencyReservoir RealtimeFirstAudio { get; } = new();

    /// <summary>Recent realtime upstream appends (ms), for /api/stats percentiles.</summary>
    public LatencyReservoir RealtimeAppend { get; } = new();

    public void RecordRealtimeFirstAudio(double milliseconds)
    {
        RealtimeOverhead.Record(milliseconds, new KeyValuePair<string, object?>("point", "first_audio"));
        RealtimeFirstAudio.Add(milliseconds);
    }

    public void RecordRealtimeAppend(double milliseconds)
    {
        RealtimeOverhead.Record(milliseconds, new KeyValuePair<string, object?>("point", "append"));
        RealtimeAppend.Add(milliseconds);
    }

    public void RecordFlushToStt(double milliseconds)
    {
        Overhead.Record(milliseconds, new KeyValuePair<string, object?>("point", "flush_to_stt"));
        FlushToStt.Add(milliseconds);
    }

    public void RecordResultToWire(double milliseconds)
    {
        Overhead.Record(milliseconds, new KeyValuePair<string, object?>("point", "result_to_wire"));
        ResultToWire.Add(milliseconds);
    }

    /// <summary>Gauges read from the session manager when a listener collects.</summary>
    public void ObserveSessions(Func<SessionGauges> read)
    {
        _meter.CreateObservableGauge("roleplay.sessions.active", () => read().ActiveSessions, description: "Open sessions");
        _meter.CreateObservableGauge("roleplay.audio.buffered", () => read().BufferedBytes, unit: "By", description: "Audio waiting to be flushed or processed");
        _meter.CreateObservableGauge("roleplay.turns.in_flight", () => read().TurnsInFlight, description: "Turns between final transcription and last avatar segment");
        _meter.CreateObservableGauge("roleplay.connections", () => read().Connections, description: "Connected clients");
    }

    public void ObserveNodeLoad(Func<double> load, Func<double?> wait)
    {
        _meter.CreateObservableGauge("roleplay.node.cpu_load", load,
            description: "The share of the CPUs the node may use that it used over Sessions:AdmissionWindow; at Sessions:AdmissionCpu new sessions are refused");
        _meter.CreateObservableGauge("roleplay.node.cpu_wait", () => wait() is { } share ? [new Measurement<double>(share)] : Array.Empty<Measurement<double>>(),
            description: "The share of Sessions:AdmissionWindow in which the node had work and no CPU ran it (its cgroup's CPU pressure): other work on its cores");
    }
}

public readonly record struct SessionGauges(int ActiveSessions, long BufferedBytes, int TurnsInFlight, int Connections);
