using System.Buffers;
using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.LiveHttp;

/// <summary>Reads a JSON request body as the hub's payload <typeparamref name="T"/>, bound by the hub's own (lenient)
/// converters, so a field of the wrong type is refused in the hub's words. Whatever the Content-Type (curl's <c>-d</c>
/// says form data), the body is read as JSON, and never more of it than the limit.</summary>
internal static class LiveJsonBody<T>
    where T : HubRequest
{
    /// <summary>The payload, or why it is refused (<c>TooLarge</c>: for a 413 rather than a 400).</summary>
    public static async Task<(T? Request, ClientError? Error, bool TooLarge)> ReadAsync(HttpRequest request, int maxBytes, JsonSerializerOptions hubJson, string method, string example)
    {
        var tooLarge = ClientError.InvalidRequest($"The body is larger than {maxBytes} bytes (LiveHttp:MaxJsonBodyBytes).");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge, true);
        }

        var body = await BoundedBody.ReadAsync(request, maxBytes);
        try
        {
            if (body.TooLarge)
            {
                return (null, tooLarge, true);
            }

            var parsed = body.Length == 0 ? null : JsonSerializer.Deserialize<T>(body.Bytes, hubJson);
            return parsed switch
            {
                null => (null, ClientError.InvalidRequest($"{method} needs a JSON body such as {example}."), false),
                { BindingError: { } wrong } => (null, ClientError.InvalidRequest($"{method}: {wrong}"), false),
                _ => (parsed, null, false),
            };
        }
        catch (JsonException)
        {
            return (null, ClientError.InvalidRequest($"{method}: the body is not valid JSON; send an object such as {example}."), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Buffer);
        }
    }
}
