// RoleplayHub: real-time voice roleplay training over SignalR.
// This file is the table of contents; each feature registers and maps itself next to its code.

RoleplayHub.LocalEnvFile.Load();       // .env for local runs (never in Production); real environment variables win

var builder = WebApplication.CreateBuilder(args);

builder.AddRoleplayProblemDetails();   // Http/: every error an RFC 7807 problem, never an exception page
builder.AddSecurityHeaders();          // Http/: CSP, nosniff, no framing, no Referer on every response
builder.AddRoleplayAuthentication();   // Auth/: JWT bearer (HS256 key or OIDC), policies, dev tokens
builder.AddMediaStore();               // Storage/: data folder, media store with signed URLs
builder.AddSessionHistory();           // History/: session history in SQLite or PostgreSQL (before Sessions/: stops after the drain)
builder.AddScenarioCatalog();          // Scenarios/: drills and personas from JSON files
builder.AddRoleplayProviders();        // Providers/: PocketSphinx, the scripted engine and LLMs, espeak-ng; the catalog that chooses
builder.AddVoiceActivityDetection();   // Audio/Vad/: the energy and Silero voice detectors server-vad sessions use
builder.AddVoicePipeline();            // Pipeline/: STT → AI → avatar speech per turn
builder.AddAliyunProviders();          // Providers/Aliyun/: NLS recognition and voices (aliyun), offline fallback
builder.AddRealtimeModels();           // Providers/Realtime/: realtime speech-to-speech models (Realtime:Profiles)
builder.AddCoachingReports();          // Coaching/: the report at the end of every drill (after History/: wraps its journal)
builder.AddSessionManagement();        // Sessions/: SessionManager, buffers, timeouts
builder.AddRoleplayHub();              // Hubs/: SignalR, limits, converters
builder.AddRoleplayScaleOut();         // ScaleOut/: with ScaleOut:Redis, the SignalR backplane and session leases across nodes
builder.AddLiveHttpSessions();         // LiveHttp/: the same sessions over plain HTTP and Server-Sent Events
builder.AddRoleplayHealthChecks();     // Health/: /healthz, /readyz
builder.AddRoleplayTelemetry();        // Observability/: OpenTelemetry metrics and traces, OTLP and Prometheus
builder.AddRoleplayOpenApi();          // OpenApi/: the HTTP API's OpenAPI document

var app = builder.Build();

app.UseRoleplayProblemDetails();       // Http/: first, so it covers everything after it
app.UseSecurityHeaders();              // Http/: as each response starts, errors included
app.UseWebClient();                    // WebClient/: the roleplay and admin pages (wwwroot), before auth: static files need none
app.UseCors();
app.UseRoleplayAuthorization();        // Auth/: JWT bearer, then the policies; deny by default (a route without one needs a user)
app.UseHubConnectionOwnership();       // Hubs/: a connection is used only by the user who negotiated it

app.MapRoleplayHub();
app.MapAudioSocket();                  // Hubs/AudioSocket/: a session's audio as binary WebSocket messages beside the hub
app.MapLiveHttpSessions();
app.MapMediaEndpoints();
app.MapScenarioApi();
app.MapStatsApi();
app.MapSessionControlApi();            // Admin/: end a live session, send a notice, through any node
app.MapHistoryApi();
app.MapDevTokenEndpoint();
app.MapRoleplayHealthChecks();
app.MapRoleplayMetrics();              // /metrics: admins, or anyone on Telemetry:MetricsPort only
app.MapRoleplayOpenApi();              // Development: /openapi/v1.json and Swagger UI at /swagger

app.Run();
