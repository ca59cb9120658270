using Microsoft.AspNetCore.WebUtilities;

namespace RoleplayHub.History;

/// <summary>
/// Keyset pagination position: the (started_at, id) of the last session on a page, as an opaque base64url token.
/// Unlike an offset it stays correct while new sessions arrive, and each page is one index range scan.
/// </summary>
public readonly record struct PageCursor(DateTime StartedAt, long Id)
{
    private const byte Version = 1;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[17];
        bytes[0] = Version;
        BitConverter.TryWriteBytes(bytes[1..], StartedAt.Ticks);
        BitConverter.TryWriteBytes(bytes[9..], Id);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    public static bool TryDecode(string token, out PageCursor cursor)
    {
        cursor = default;
        byte[] bytes;
        try
        {
            bytes = WebEncoders.Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length != 17 || bytes[0] != Version)
        {
            return false;
        }

        var ticks = BitConverter.ToInt64(bytes, 1);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        cursor = new PageCursor(new DateTime(ticks, DateTimeKind.Utc), BitConverter.ToInt64(bytes, 9));
        return true;
    }
}
