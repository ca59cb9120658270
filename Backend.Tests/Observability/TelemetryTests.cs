using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Observability;

/// <summary>OpenTelemetry: the Prometheus endpoint's access rules and contents, and the spans of a turn.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task MetricsAreForAdminsAndShowTheTurnAndStageMetrics()
    {
        using var factory = new RoleplayHubFactory().WithEchoSpeech();
        await using (var client = await factory.ConnectAsync("alice"))
        {
            var sessionId = await client.StartAsync();
            await client.SayAsync(sessionId, "what is the price", turn: 1, offset: 0);
            await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        }

        using var anonymous = factory.CreateClient();
        using var trainee = factory.CreateClient("alice");
        using var admin = factory.CreateClient("root", "admin");
        var refusedAnonymous = await anonymous.GetAsync("/metrics");
        var refusedTrainee = await trainee.GetAsync("/metrics");
        var scraped = await admin.GetAsync("/metrics");
        var text = await scraped.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, refusedAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedTrainee.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.StartsWith("text/plain", scraped.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        foreach (var stage in new[] { "stt", "ai", "tts", "store" })
        {
            Assert.Contains($"roleplay_turn_stage_duration_milliseconds_count{{otel_scope_name=\"RoleplayHub\",stage=\"{stage}\"}}", text, StringComparison.Ordinal);
        }

        Assert.Contains("roleplay_turns_completed_total", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheirOwnPortMetricsNeedNoTokenAndElsewhereTheyAreRefused()
    {
        var (servicePort, metricsPort) = (Ports.FreeLoopback(), Ports.FreeLoopback());
        using var factory = new RoleplayHubFactory().Setting("Telemetry:MetricsPort", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        factory.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, servicePort);
            kestrel.Listen(IPAddress.Loopback, metricsPort);
        });
        factory.StartServer();
        using var http = new HttpClient();

        var onMetricsPort = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{servicePort}/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{metricsPort}";
        var onServicePort = await http.SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.OK, onMetricsPort.StatusCode);
        Assert.Contains("roleplay_", await onMetricsPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, onServicePort.StatusCode);
    }

    [Fact]
    public async Task ATurnIsOneSpanWithAChildSpanPerStage()
    {
        var spans = new ExportedSpans();
        using var factory = new RoleplayHubFactory()
            .Setting("Telemetry:Traces", "true")
            .WithEchoSpeech()
            .WithServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        await using var client = await factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.SayAsync(sessionId, "what is the price", turn: 1, offset: 0);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        var turn = await SpanAsync(spans, s => s.OperationName == "roleplay.turn" && Equals(s.GetTagItem("roleplay.turn"), 1) && Equals(s.GetTagItem("roleplay.session.id"), sessionId));

        var stages = spans.Snapshot().Where(s => s.ParentSpanId == turn.SpanId).Select(s => s.OperationName).ToHashSet();
        Assert.Equal(sessionId, turn.GetTagItem("roleplay.session.id"));
        Assert.Equal(default, turn.ParentSpanId); // a root: not a child of the start-session call
        Assert.Equal(["roleplay.ai", "roleplay.store", "roleplay.stt", "roleplay.tts"], stages.Order(StringComparer.Ordinal));
        Assert.All(spans.Snapshot().Where(s => s.ParentSpanId == turn.SpanId), s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    [Fact]
    public async Task WithAnOtlpEndpointSetTurnsAndStagesAreExportedOverOtlp()
    {
        var received = new ExportedRequests();
        var collector = WebApplication.CreateSlimBuilder();
        collector.WebHost.UseUrls("http://127.0.0.1:0");
        await using var otlp = collector.Build();
        otlp.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Add(signal, body.ToArray());
            return Results.Ok();
        });
        await otlp.StartAsync();
        using var factory = new RoleplayHubFactory()
            .Setting("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.Urls.First())
            .Setting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .Setting("OTEL_METRIC_EXPORT_INTERVAL", "200")
            .Setting("OTEL_BSP_SCHEDULE_DELAY", "200")
            .WithEchoSpeech();
        await using var client = await factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.SayAsync(sessionId, "what is the price", turn: 1, offset: 0);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        // OTLP over HTTP is protobuf, where names are plain UTF-8 strings.
        // The turn's root span is exported when it ends, just after its last event went out: wait for it too.
        await received.WaitForAsync("traces", "roleplay.store");
        await received.WaitForAsync("traces", sessionId);
        await received.WaitForAsync("metrics", "roleplay.turn.stage.duration");
        Assert.True(received.Contains("traces", "roleplay.turn"));
    }

    private static async Task<Activity> SpanAsync(ExportedSpans spans, Func<Activity, bool> match)
    {
        // A span is exported when it stops, just after the last event of its turn went out.
        for (var waited = 0; waited < 100; waited++)
        {
            if (spans.Snapshot().FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No such span; got [{string.Join(", ", spans.Snapshot().Select(s => s.OperationName))}]");
    }

    /// <summary>What a fake OTLP collector received, per signal (traces, metrics, logs).</summary>
    private sealed class ExportedRequests
    {
        private readonly List<(string Signal, string Text)> _requests = [];

        public void Add(string signal, byte[] body)
        {
            lock (_requests)
            {
                _requests.Add((signal, System.Text.Encoding.UTF8.GetString(body)));
            }
        }

        public bool Contains(string signal, string text)
        {
            lock (_requests)
            {
                return _requests.Any(r => r.Signal == signal && r.Text.Contains(text, StringComparison.Ordinal));
            }
        }

        public async Task WaitForAsync(string signal, string text)
        {
            // Up to 30 s: the exports are periodic (200 ms here), but on a loaded two-core machine one export of the
            // metrics once took longer than the 10 s this waited before.
            for (var waited = 0; !Contains(signal, text); waited++)
            {
                if (waited == 600)
                {
                    throw new TimeoutException($"The collector received no {signal} with '{text}'.");
                }

                await Task.Delay(50);
            }
        }
    }

    /// <summary>The in-memory exporter adds spans from the service's threads while the test reads them.</summary>
    private sealed class ExportedSpans : Collection<Activity>
    {
        private readonly Lock _gate = new();

        public List<Activity> Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
