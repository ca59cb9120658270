using System.Text.Json.Serialization;

namespace RoleplayHub.Hubs.Contracts;

/// <summary>
/// Base of every client → server payload. The hub's JSON converters never throw on a malformed payload: they
/// record what was wrong here, so the hub can answer with a clear <c>error</c> event instead of SignalR's generic
/// "error binding arguments" (which a fire-and-forget <c>send</c> would never even see).
/// </summary>
public abstract record HubRequest
{
    [JsonIgnore]
    public string? BindingError { get; init; }
}
