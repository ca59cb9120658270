using System.Net;
using System.Text.Json;

namespace RoleplayHub.Tests.Security;

/// <summary>What every error answer must look like: an RFC 7807 problem, and nothing of the server's insides.</summary>
internal static class ProblemAssert
{
    /// <summary>Traces of an exception page or a serialized exception: stack frames, source lines, type names.</summary>
    private static readonly string[] Internals = ["   at ", ".cs:line", "Exception", "stackTrace", "StackTrace", "RoleplayHub.", "Microsoft.AspNetCore."];

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? naming = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} instead of {(int)status}: {Shorten(body)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        NoInternals(body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (naming is not null)
        {
            Assert.True(body.Contains(naming, StringComparison.Ordinal), $"the problem does not name '{naming}': {Shorten(body)}");
        }

        return problem;
    }

    public static void NoInternals(string body)
    {
        foreach (var trace in Internals)
        {
            Assert.False(body.Contains(trace, StringComparison.Ordinal), $"the body shows '{trace}': {Shorten(body)}");
        }
    }

    private static string Shorten(string body) => body.Length > 2_000 ? body[..2_000] + "…" : body;
}
