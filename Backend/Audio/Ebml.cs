namespace RoleplayHub.Audio;

/// <summary>The two primitives of EBML (WebM's container syntax) the Opus decoder needs.</summary>
public static class Ebml
{
    /// <summary>Reads an element size (a variable-length integer without its marker bit); all ones means unknown.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, ref int position, out ulong size)
    {
        size = 0;
        if (position >= data.Length || data[position] == 0)
        {
            return false;
        }

        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)data[position]) - 23; // 1..8
        if (position + length > data.Length)
        {
            return false;
        }

        size = (ulong)(data[position] & (0xFF >> length));
        for (var i = 1; i < length; i++)
        {
            size = (size << 8) | data[position + i];
        }

        position += length;
        return true;
    }

    /// <summary>Reads an element ID (1–4 bytes, marker bits kept).</summary>
    public static bool TryReadId(ReadOnlySpan<byte> data, ref int position, out uint id)
    {
        id = 0;
        if (position >= data.Length || data[position] < 0x10)
        {
            return false;
        }

        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)data[position]) - 23;
        if (position + length > data.Length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            id = (id << 8) | data[position + i];
        }

        position += length;
        return true;
    }
}
