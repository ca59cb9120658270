using System.Buffers;

namespace RoleplayHub.LiveHttp;

/// <summary>A request body read into a pooled buffer, never more than one byte past its limit: a huge body costs
/// neither memory nor time. The caller returns <see cref="Buffer"/> to <see cref="ArrayPool{T}.Shared"/>.</summary>
internal readonly record struct BoundedBody(byte[] Buffer, int Length, bool TooLarge)
{
    public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);

    public static async Task<BoundedBody> ReadAsync(HttpRequest request, int max)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        var length = 0;
        int read;
        while (length <= max && (read = await request.Body.ReadAsync(buffer.AsMemory(length, max + 1 - length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        return new BoundedBody(buffer, Math.Min(length, max), length > max);
    }
}
