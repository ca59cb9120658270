using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>
/// Turns what the SDK and the network throw into <see cref="AiProviderException"/> with the right
/// <see cref="AiProviderException.Retryable"/>: 408, 409, 425, 429 and 5xx, timeouts and network errors may pass;
/// 400, 401, 403, 404 and 422 (a bad key, model or request) will not, and neither will a response that is not a
/// chat-completion stream. The exception's message reaches the trainee, so it says what happened and nothing about
/// the deployment; <see cref="Describe"/> gives operators the endpoint, model, setting to fix and the server's own
/// words — without the API key, which some servers echo back.
/// </summary>
internal sealed class ChatFailures(ChatModelSettings settings, ChatTimeouts timeouts)
{
    private const int MaxDetailChars = 300;
    private const string Admin = "an administrator needs to check the AI configuration";

    /// <summary>The failure to report, or null when <paramref name="error"/> is the caller's own cancellation (or a bug).
    /// <paramref name="started"/>: the reply's first token had arrived (a timeout is then a stall).</summary>
    public AiProviderException? Classify(Exception error, CancellationToken caller, bool started = false) => error switch
    {
        AiProviderException known => known,
        OperationCanceledException when caller.IsCancellationRequested => null,
        OperationCanceledException when started => Stalled(),
        OperationCanceledException => new($"The language model sent nothing for {Seconds(timeouts.Attempt)} s.", retryable: true),
        ClientResultException { Status: > 0 } http => FromStatus(http),
        ClientResultException or HttpRequestException or IOException or SocketException =>
            new("The language model could not be reached.", retryable: true),
        JsonException or FormatException or InvalidOperationException or KeyNotFoundException => Malformed(),
        _ => null,
    };

    /// <summary>No first token within <see cref="ChatTimeouts.FirstToken"/>, whatever the attempts were doing.</summary>
    public AiProviderException NoFirstToken() =>
        new($"The language model did not start answering within {Seconds(timeouts.FirstToken)} s.", retryable: true);

    public AiProviderException Stalled() =>
        new($"The language model stopped for {Seconds(timeouts.Stall)} s in the middle of its reply.", retryable: true);

    public AiProviderException EndedEarly() =>
        new("The language model's reply stream ended before the reply was finished.", retryable: true);

    public AiProviderException Malformed() =>
        new($"The language model's answer was not a chat-completion stream; {Admin}.", retryable: false);

    public AiProviderException Blocked(string reason) => reason switch
    {
        "content_filter" => new("The language model's content filter blocked the reply.", retryable: false),
        "length" => new($"The language model reached its output limit before saying anything; {Admin}.", retryable: false),
        _ => new("The language model returned an empty reply.", retryable: true),
    };

    /// <summary>For the log: which profile, model and endpoint failed, what to check, and what the server said.</summary>
    public string Describe(Exception error)
    {
        var hint = error switch
        {
            ClientResultException { Status: 401 or 403 } => $"check {settings.ConfigPath}:ApiKey",
            ClientResultException { Status: 404 } => $"check {settings.ConfigPath}:Model and :BaseUrl",
            ClientResultException { Status: 400 or 422 } => $"the server rejected a field; check {settings.ConfigPath}:MaxTokensField and :Temperature",
            OperationCanceledException => $"no data within {OpenAiChatOptions.Section}:AttemptTimeout, :FirstTokenTimeout or :StallTimeout",
            JsonException or FormatException or InvalidOperationException or KeyNotFoundException or AiProviderException { Retryable: false } =>
                $"is {settings.ConfigPath}:BaseUrl an OpenAI-compatible /v1 endpoint?",
            _ => "",
        };
        return $"{settings.ConfigPath}, model {settings.Model} at {settings.Endpoint.GetLeftPart(UriPartial.Path)}{(hint.Length > 0 ? " (" + hint + ")" : "")}: {Redact(error.Message)}";
    }

    private AiProviderException FromStatus(ClientResultException error)
    {
        var status = error.Status;
        return status switch
        {
            401 or 403 => new($"The language model refused the service's credentials (HTTP {status}); {Admin}.", retryable: false),
            404 => new($"The language model service does not know the configured model (HTTP 404); {Admin}.", retryable: false),
            408 or 409 or 425 or 429 or >= 500 => Unavailable(status, RetryAfter(error)),
            _ => new($"The language model rejected the request (HTTP {status}); {Admin}.", retryable: false),
        };
    }

    private static AiProviderException Unavailable(int status, TimeSpan? retryAfter) =>
        new($"The language model is {(status == 429 ? "rate-limited" : "unavailable")} (HTTP {status}); try again {(retryAfter is { } after ? $"in {Math.Ceiling(after.TotalSeconds):0} s" : "shortly")}.", retryable: true)
        {
            RetryAfter = retryAfter,
        };

    /// <summary><c>retry-after-ms</c> (OpenAI, Azure) or <c>Retry-After</c> in seconds or as an HTTP date.</summary>
    private static TimeSpan? RetryAfter(ClientResultException error)
    {
        var headers = error.GetRawResponse()?.Headers;
        if (headers is null)
        {
            return null;
        }

        if (headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (!headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeSpan.FromTicks(Math.Max(0, (at - DateTimeOffset.UtcNow).Ticks))
            : null;
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The server's words on one line, shortened, without the API key.</summary>
    private string Redact(string message)
    {
        var line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        line = SecretMask.Apply(line, settings.ApiKey);
        return line.Length <= MaxDetailChars ? line : line[..MaxDetailChars] + "…";
    }
}
