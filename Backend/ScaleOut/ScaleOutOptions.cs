using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>Several nodes behind one load balancer (docs/deployment.md). Bound from the <c>ScaleOut</c> section; off
/// (one node, nothing shared) while <see cref="Redis"/> is unset.</summary>
public sealed partial class ScaleOutOptions
{
    public const string Section = "ScaleOut";

    /// <summary>The StackExchange.Redis configuration string (e.g. <c>redis:6379,password=…</c>) of the Redis every node
    /// shares: SignalR's backplane and the session leases. Unset: scale-out is off.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis channel and key this deployment uses, so several deployments can share a Redis.</summary>
    public string ChannelPrefix { get; set; } = "roleplayhub";

    /// <summary>This node's name in the session leases; unique among live nodes. Unset: the machine name and a random
    /// suffix, new at each start.</summary>
    public string? NodeId { get; set; }

    /// <summary>How long a session's lease outlives its node's last renewal: a dead node's sessions can move to
    /// another node after at most this long.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node renews the leases of the sessions it runs; at most a third of <see cref="LeaseTtl"/>, so
    /// one late renewal does not lose a lease.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    internal static partial Regex NamePattern();
}

public sealed class ValidateScaleOutOptions : IValidateOptions<ScaleOutOptions>
{
    public ValidateOptionsResult Validate(string? name, ScaleOutOptions o)
    {
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        try
        {
            if (ConfigurationOptions.Parse(o.Redis!).EndPoints.Count == 0)
            {
                errors.Add("ScaleOut:Redis names no server (host:port).");
            }
        }
        catch (ArgumentException ex)
        {
            errors.Add($"ScaleOut:Redis is not a StackExchange.Redis configuration string: {ex.Message}");
        }

        if (!ScaleOutOptions.NamePattern().IsMatch(o.ChannelPrefix))
        {
            errors.Add("ScaleOut:ChannelPrefix must be 1–64 characters of letters, digits, '.', '_', ':' or '-'.");
        }

        if (o.NodeId is { } node && !ScaleOutOptions.NamePattern().IsMatch(node))
        {
            errors.Add("ScaleOut:NodeId must be 1–64 characters of letters, digits, '.', '_', ':' or '-'.");
        }

        if (o.LeaseTtl < TimeSpan.FromSeconds(1) || o.LeaseTtl > TimeSpan.FromMinutes(10))
        {
            errors.Add("ScaleOut:LeaseTtl must be between 1 s and 10 min.");
        }

        if (o.LeaseRenewInterval <= TimeSpan.Zero || o.LeaseRenewInterval * 3 > o.LeaseTtl)
        {
            errors.Add("ScaleOut:LeaseRenewInterval must be positive and at most a third of ScaleOut:LeaseTtl.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
