using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RoleplayHub.Providers.Aliyun;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>
/// The NLS token service (<c>nls-meta</c>, POP RPC CreateToken, ../shared/docs/aliyun-protocols.md §1 and §7.1):
/// GET with the query or POST with a form; the signature is verified, the timestamp must be within 15 minutes and a
/// nonce is good once; success is <c>{RequestId, NlsRequestId, ErrMsg, Token{UserId, Id, ExpireTime}}</c>, errors the
/// POP shape <c>{RequestId, HostId, Code, Message, Recommend}</c> with 400/404.
/// </summary>
public sealed class FakeTokenService(FakeAliyunAccount account) : FakeHost
{
    private readonly ConcurrentDictionary<string, bool> _nonces = new();

    public int Issued => _issued;

    private int _issued;

    /// <summary>Answer 503 to everything (the token service is down).</summary>
    public bool Unavailable { get; set; }

    /// <summary>Lifetime of issued tokens (ExpireTime = now + this).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    protected override void Map(WebApplication app) => app.Map("/", (Delegate)(Func<HttpContext, Task<IResult>>)Handle);

    private async Task<IResult> Handle(HttpContext context)
    {
        if (Unavailable)
        {
            return Pop(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
        }

        var parameters = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            foreach (var field in await context.Request.ReadFormAsync())
            {
                parameters[field.Key] = field.Value.ToString();
            }
        }

        string Get(string name) => parameters.GetValueOrDefault(name) ?? "";
        foreach (var required in new[] { "AccessKeyId", "Action", "Version", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature" })
        {
            if (Get(required).Length == 0)
            {
                return Pop(400, "MissingParameter", $"The input parameter \"{required}\" that is mandatory for processing this request is not supplied.");
            }
        }

        if (Get("Action") != "CreateToken" || Get("Version") != "2019-02-28")
        {
            return Pop(400, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }

        if (Get("AccessKeyId") != account.AccessKeyId)
        {
            return Pop(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        }

        if (!DateTimeOffset.TryParseExact(Get("Timestamp"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp)
            || (timestamp - DateTimeOffset.UtcNow).Duration() > TimeSpan.FromMinutes(15))
        {
            return Pop(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
        }

        var expected = PopSigner.Sign(context.Request.Method, parameters, account.AccessKeySecret);
        if (expected != Get("Signature"))
        {
            return Pop(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:"
                + PopSigner.StringToSign(context.Request.Method, parameters));
        }

        if (!_nonces.TryAdd(Get("SignatureNonce"), true))
        {
            return Pop(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }

        Interlocked.Increment(ref _issued);
        var token = account.IssueToken(TokenLifetime);
        return Results.Json(new
        {
            RequestId = Guid.NewGuid().ToString().ToUpperInvariant(),
            NlsRequestId = Guid.NewGuid().ToString("N"),
            ErrMsg = "",
            Token = new { UserId = account.UserId, Id = token.Id, ExpireTime = token.ExpiresAt.ToUnixTimeSeconds() },
        }, PascalCase);
    }

    private static IResult Pop(int status, string code, string message) => Results.Json(new
    {
        RequestId = Guid.NewGuid().ToString().ToUpperInvariant(),
        HostId = "nls-meta.cn-shanghai.aliyuncs.com",
        Code = code,
        Message = message,
        Recommend = "https://api.aliyun.com/troubleshoot?q=" + code,
    }, PascalCase, statusCode: status);

    // POP answers in PascalCase (RequestId, Token.Id); the minimal-API default would be camelCase.
    private static readonly System.Text.Json.JsonSerializerOptions PascalCase = new() { PropertyNamingPolicy = null };
}
