using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Retry;
using RoleplayHub.Health;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>
/// The persona as an LLM behind any OpenAI-compatible chat-completions endpoint, through the official OpenAI .NET SDK
/// with its base URL pointed at the vendor. Every session picks a model profile (<c>start-session</c>'s
/// <c>modelProfile</c>, the default when absent) — a large model for the demo, a mini one for practice. Failures are
/// retried with exponential backoff and jitter by a Polly pipeline (the SDK's own retries are off, so there is one
/// policy); the SDK logs nothing, and our messages never contain the API key.
/// </summary>
public sealed partial class OpenAiChatRoleplayAi : IRoleplayAi, ITextCompletion, IHealthCheck, IDisposable
{
    private const string NoKey = "no-key"; // the SDK insists on a credential; local servers ignore it

    private readonly OpenAiChatOptions _options;
    private readonly Dictionary<string, ChatModelSettings> _profiles;
    private readonly List<string> _problems = [];
    private readonly ConcurrentDictionary<string, ChatClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly HttpClient _http;
    private readonly HttpClientPipelineTransport _transport;
    private readonly ResiliencePipeline _retry;
    private readonly ILogger<OpenAiChatRoleplayAi> _logger;

    public OpenAiChatRoleplayAi(IOptions<OpenAiChatOptions> options, TimeProvider time, ILogger<OpenAiChatRoleplayAi> logger)
    {
        _options = options.Value;
        _logger = logger;
        _profiles = ChatModelProfiles.ResolveAll(_options, _problems).ToDictionary(p => p.Profile, StringComparer.OrdinalIgnoreCase);

        // One connection pool for every profile; timeouts are ours (per attempt, reset by every chunk), not HttpClient's.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = _options.AttemptTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _transport = new HttpClientPipelineTransport(_http);
        _retry = BuildRetry(time);
    }

    public string Name => ProviderNames.OpenAi;

    /// <summary>The profiles a session may name (the default is "").</summary>
    public IReadOnlyCollection<string> Profiles => _profiles.Keys;

    public IRoleplayConversation StartConversation(ConversationSetup setup)
    {
        var name = setup.ModelProfile?.Trim() ?? "";
        if (!_profiles.TryGetValue(name, out var settings))
        {
            var named = _profiles.Keys.Where(k => k.Length > 0).Order(StringComparer.Ordinal).ToList();
            throw new AiProviderException(
                $"Unknown modelProfile '{name}'. " + (named.Count > 0 ? $"Configured profiles: {string.Join(", ", named)}." : "No profiles are configured (Ai:Profiles); omit modelProfile."),
                retryable: false);
        }

        var client = _clients.GetOrAdd(settings.Profile, _ => CreateClient(settings));
        LogStarted(setup.SessionId, name.Length == 0 ? "default" : name, settings.Model, settings.Endpoint.Host);
        return new OpenAiChatConversation(
            setup.SessionId, client, settings, new ChatPrompt(setup.Variant, settings.HistoryTurns, settings.HistoryTokens), _retry, ChatTimeouts.From(_options), _logger);
    }

    /// <summary>A whole answer of the default profile's model, streamed and joined (every compatible server streams;
    /// not all answer non-streaming requests alike), with the provider's retries.</summary>
    public async Task<string> CompleteAsync(string system, string user, int maxOutputTokens, CancellationToken cancellationToken)
    {
        if (!_profiles.TryGetValue("", out var settings))
        {
            throw new AiProviderException("No default model is configured (Ai:OpenAi:Model).", retryable: false);
        }

        var client = _clients.GetOrAdd(settings.Profile, _ => CreateClient(settings));
        var failures = new ChatFailures(settings, ChatTimeouts.From(_options));
        PromptMessage[] messages = [new(PromptRole.System, system), new(PromptRole.User, user)];
        return await _retry.ExecuteAsync(async token =>
        {
            try
            {
                var text = new System.Text.StringBuilder();
                await using var stream = await ChatCompletionStream.OpenAsync(client, settings, messages, maxOutputTokens, token);
                while (await stream.MoveNextAsync())
                {
                    text.Append(stream.Current.Text);
                }

                return text.ToString();
            }
            catch (Exception ex) when (failures.Classify(ex, cancellationToken, started: false) is { } failure)
            {
                throw failure;
            }
        }, cancellationToken);
    }

    async Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Readiness.From(await CheckAsync(cancellationToken));

    /// <summary>Configuration only, never a (paid) call: every profile complete, and a key wherever one is needed.</summary>
    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>(_problems);
        foreach (var settings in _profiles.Values.Where(s => s.ApiKey is null && !ChatModelProfiles.IsLocal(s.Endpoint)))
        {
            problems.Add($"{settings.ConfigPath}:ApiKey is empty, and {settings.Endpoint.Host} is not a local server, so it will refuse every request.");
        }

        return ValueTask.FromResult(problems.Count == 0 ? null : string.Join(" ", problems));
    }

    public void Dispose() => _http.Dispose();

    private ChatClient CreateClient(ChatModelSettings settings) =>
        new(settings.Model, new ApiKeyCredential(settings.ApiKey ?? NoKey), new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            Transport = _transport,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            UserAgentApplicationId = "RoleplayHub",
        });

    private ResiliencePipeline BuildRetry(TimeProvider time)
    {
        if (_options.MaxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        var maxDelay = _options.MaxRetryDelay;
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // A Retry-After beyond our longest backoff is not waited for: the turn fails (retryable) and the user decides.
                ShouldHandle = new PredicateBuilder().Handle<AiProviderException>(e => e.Retryable && (e.RetryAfter is null || e.RetryAfter <= maxDelay)),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = maxDelay,
                DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Exception is AiProviderException { RetryAfter: { } after } ? after : (TimeSpan?)null),
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: LLM profile {Profile}, model {Model} at {Host}")]
    private partial void LogStarted(string sessionId, string profile, string model, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "LLM retry {Attempt} in {DelayMs:0} ms")]
    private partial void LogRetry(int attempt, double delayMs);
}
