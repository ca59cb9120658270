using Microsoft.AspNetCore.Http.HttpResults;
using RoleplayHub.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves local media behind signed URLs, with Content-Type, Content-Length, ETag and byte ranges.</summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{**key}", GetMedia)
            .WithName("GetMedia")
            .WithTags("Media")
            .AllowAnonymous() // the signature is the authorization: an <audio> element cannot send a bearer token
            .ExcludeFromDescription();
        return app;
    }

    private static Results<PhysicalFileHttpResult, NotFound, ProblemHttpResult> GetMedia(
        string key, long? exp, string? sig, IMediaStore store, MediaUrlSigner signer, HttpContext context)
    {
        if (store is not LocalMediaStore local)
        {
            return TypedResults.NotFound();
        }

        if (exp is null || !signer.Verify(key, exp.Value, sig))
        {
            return TypedResults.Problem(
                title: "Invalid or expired media URL",
                detail: "Media URLs are signed and expire; ask the service for a fresh one (the session history re-signs them).",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var path = local.TryGetPath(key);
        if (path is null || !File.Exists(path))
        {
            return TypedResults.NotFound();
        }

        // The bytes behind a key never change: it is their content's address, or a recording's own random name.
        context.Response.Headers.CacheControl = "private, max-age=3600, immutable";
        var etag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(path)}\"");
        return TypedResults.PhysicalFile(path, MediaTypes.ForExtension(Path.GetExtension(path)), entityTag: etag, enableRangeProcessing: true);
    }
}
