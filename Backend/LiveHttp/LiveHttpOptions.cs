using Microsoft.Extensions.Options;

namespace RoleplayHub.LiveHttp;

/// <summary>The event stream of live sessions over HTTP (docs/live-http.md). Bound from <c>LiveHttp</c>; the
/// session limits themselves are the hub's (<c>Sessions</c>).</summary>
public sealed class LiveHttpOptions
{
    public const string Section = "LiveHttp";

    /// <summary>A <c>: keep-alive</c> comment is written this often, so proxies that close quiet responses keep the
    /// stream open (many close after 30–60 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A session served over HTTP with no event stream open for this long counts as disconnected, like a
    /// closed hub connection: it then has <c>Sessions:ReconnectGrace</c> to be resumed before it ends.</summary>
    public TimeSpan EventStreamGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events one stream may have waiting to be written. A reader that falls this far behind has its stream
    /// closed rather than holding up the session; it reconnects with <c>Last-Event-ID</c> and is replayed what it missed.</summary>
    public int EventStreamBuffer { get; set; } = 256;

    /// <summary>Largest JSON body of a call other than audio (a start-session request is a few hundred bytes).</summary>
    public int MaxJsonBodyBytes { get; set; } = 16 * 1024;
}

public sealed class ValidateLiveHttpOptions : IValidateOptions<LiveHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveHttpOptions o)
    {
        var errors = new List<string>();
        if (o.HeartbeatInterval <= TimeSpan.Zero || o.EventStreamGrace <= TimeSpan.Zero)
        {
            errors.Add("LiveHttp:HeartbeatInterval and LiveHttp:EventStreamGrace must be positive.");
        }

        if (o.EventStreamBuffer < 16)
        {
            errors.Add("LiveHttp:EventStreamBuffer must be at least 16 events (a turn sends several).");
        }

        if (o.MaxJsonBodyBytes < 1024)
        {
            errors.Add("LiveHttp:MaxJsonBodyBytes must be at least 1024.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
