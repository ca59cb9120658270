using Microsoft.OpenApi;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// The request bodies as the OpenAPI document shows them. They are described here rather than with <c>Accepts</c>,
/// because <c>Accepts</c> also makes routing refuse other content types with 415: the start body is read as JSON
/// whatever its type (curl's <c>-d</c> says form data), and the audio body is raw bytes of any type unless it is JSON.
/// </summary>
internal static class LiveHttpOpenApi
{
    public static RouteHandlerBuilder StartBody(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The hub's start-session payload.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(StartSessionRequest), null, cancellationToken) },
                },
            });

    public static RouteHandlerBuilder PlaybackBody(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The hub's playback-progress payload; sessionId may be left out (the URL names the session).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(PlaybackProgressRequest), null, cancellationToken) },
                },
            });

    public static RouteHandlerBuilder AudioBody(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "Raw audio in the session's format (offset in X-Audio-Offset or ?offset=), or the hub's audio-chunk as JSON.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(AudioChunkBody), null, cancellationToken) },
                },
            });
}
