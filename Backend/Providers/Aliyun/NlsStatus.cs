
namespace RoleplayHub.Providers.Aliyun;

/// <summary>NLS service status codes (../shared/docs/aliyun-protocols.md §2, §3.6, §4.1) and what each means for a
/// client: try again with the same request, fetch a new token first, or give up.</summary>
public static class NlsStatus
{
    public const int Success = 20000000;
    public const int ClientError = 40000000;
    public const int AccessDenied = 40000001;
    public const int InvalidMessage = 40000002;
    public const int InvalidParameter = 40000003;
    public const int IdleTimeout = 40000004;
    public const int TooManyRequests = 40000005;
    public const int FreeTrialExpired = 40000010;
    public const int TaskStateError = 40010005;
    public const int NoValidAudio = 40270002;
    public const int ClientDataTimeout = 41040201;
    public const int UnsupportedSampleRate = 41010101;
    public const int ServerError = 50000000;
    public const int GrpcError = 50000001;
    public const int TtsServerError = 51020001;
    public const int GatewayGrpcError = 52010001;

    /// <summary>The token was rejected (expired, revoked, another account's): a fresh token may succeed. 40000001 is
    /// also sent for a voice without privilege, which a new token does not fix: that message names no token.</summary>
    public static bool IsTokenProblem(int status, string? text) =>
        status == 403 || (status == AccessDenied && (text is null || text.Contains("token", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Transient: the same request can succeed later (idle timeout and stalled data are our side's timing,
    /// too many requests and 5xxxxxxx are the service's).</summary>
    public static bool IsRetryable(int status) =>
        status is IdleTimeout or TooManyRequests or ClientDataTimeout or ServerError or GrpcError or TtsServerError or GatewayGrpcError
        || status / 10_000_000 == 5;
}
