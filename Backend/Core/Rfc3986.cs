using System.Globalization;
using System.Text;

namespace RoleplayHub.Core;

/// <summary>
/// RFC 3986 percent-encoding as Alibaba Cloud's signatures expect it (POP requests and OSS V4 alike): only
/// <c>A-Z a-z 0-9 - _ . ~</c> stay literal, everything else is its UTF-8 bytes in uppercase hex, so a space is
/// <c>%20</c> and <c>*</c> is <c>%2A</c>. Shared by the NLS token call and the OSS store, which sign independently.
/// </summary>
public static class Rfc3986
{
    public static string PercentEncode(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
