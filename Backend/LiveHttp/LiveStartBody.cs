using System.Buffers;
using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.LiveHttp;

/// <summary>Reads the body of <c>POST /api/live-sessions</c>: the hub's <c>start-session</c> payload, bound by the hub's
/// own (lenient) converters, so a field of the wrong type is refused with the hub's words. Whatever the Content-Type
/// (curl's <c>-d</c> says form data), the body is read as JSON, and never more of it than the limit.</summary>
internal static class LiveStartBody
{
    public static async Task<(StartSessionRequest? Request, ClientError? Error, bool TooLarge)> ReadAsync(HttpRequest request, int maxBytes, JsonSerializerOptions hubJson)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, ClientError.InvalidRequest($"The body is larger than {maxBytes} bytes (LiveHttp:MaxStartBodyBytes)."), true);
        }

        var body = await BoundedBody.ReadAsync(request, maxBytes);
        try
        {
            if (body.TooLarge)
            {
                return (null, ClientError.InvalidRequest($"The body is larger than {maxBytes} bytes (LiveHttp:MaxStartBodyBytes)."), true);
            }

            var parsed = body.Length == 0 ? null : JsonSerializer.Deserialize<StartSessionRequest>(body.Bytes, hubJson);
            return parsed switch
            {
                null => (null, ClientError.InvalidRequest("POST /api/live-sessions needs a body such as { \"scenarioId\": \"procurement-price\" }."), false),
                { BindingError: { } wrong } => (null, ClientError.InvalidRequest($"start-session: {wrong}"), false),
                _ => (parsed, null, false),
            };
        }
        catch (JsonException)
        {
            return (null, ClientError.InvalidRequest("The body is not valid JSON; send a start-session object such as { \"scenarioId\": \"procurement-price\" }."), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Buffer);
        }
    }
}
