using System.Text.Json.Serialization;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>An NLS access token and when it stops working.</summary>
public sealed record NlsToken(string Id, DateTimeOffset ExpiresAt, DateTimeOffset FetchedAt);

/// <summary>CreateToken's reply (success and the POP error shape share one record).</summary>
internal sealed record CreateTokenResponse(
    [property: JsonPropertyName("RequestId")] string? RequestId,
    [property: JsonPropertyName("ErrMsg")] string? ErrMsg,
    [property: JsonPropertyName("Token")] CreateTokenResponse.TokenPayload? Token,
    [property: JsonPropertyName("Code")] string? Code,
    [property: JsonPropertyName("Message")] string? Message)
{
    internal sealed record TokenPayload(
        [property: JsonPropertyName("Id")] string? Id,
        [property: JsonPropertyName("ExpireTime")] long ExpireTime,
        [property: JsonPropertyName("UserId")] string? UserId);
}

/// <summary>The token service refused or failed. <see cref="Retryable"/> is true for network errors and 5xx.</summary>
public sealed class NlsTokenException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
