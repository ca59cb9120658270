namespace RoleplayHub.Providers.Aliyun;

/// <summary>An NLS task failed: a <c>TaskFailed</c> event, a refused handshake, a timeout or a dropped connection.</summary>
public sealed class NlsTaskException(string message, int status, bool retryable, bool tokenProblem, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The NLS status code (or the HTTP status of a refused handshake; 0 for network failures).</summary>
    public int Status { get; } = status;

    public bool Retryable { get; } = retryable;

    /// <summary>The token was rejected: fetch a fresh one and try once more.</summary>
    public bool TokenProblem { get; } = tokenProblem;
}
