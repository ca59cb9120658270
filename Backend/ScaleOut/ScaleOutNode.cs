using Microsoft.Extensions.Options;

namespace RoleplayHub.ScaleOut;

/// <summary>This node's name among the others, and the Redis keys and channels they share.</summary>
public sealed class ScaleOutNode(IOptions<ScaleOutOptions> options)
{
    private readonly string _prefix = options.Value.ChannelPrefix;

    public string Id { get; } = string.IsNullOrWhiteSpace(options.Value.NodeId)
        ? $"{Environment.MachineName[..Math.Min(55, Environment.MachineName.Length)]}-{Guid.NewGuid().ToString("N")[..8]}"
        : options.Value.NodeId.Trim();

    /// <summary>The lease of a session: its value is the owning node's id, and it expires unless renewed.</summary>
    public string LeaseKey(string sessionId) => $"{_prefix}:lease:{sessionId}";

    /// <summary>Where a node hears the admin ends of sessions it owns (the message is the session id).</summary>
    public string EndChannel(string nodeId) => $"{_prefix}:end:{nodeId}";

    /// <summary>Every node hears kicks here (<c>{node}|{user}</c>).</summary>
    public string KickChannel => $"{_prefix}:kick";
}
