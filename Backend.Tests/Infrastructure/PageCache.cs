using System.Runtime.InteropServices;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>How much of a file the kernel holds in its page cache (Linux): the file mapped, not read, and its pages
/// asked after with <c>mincore</c>, as util-linux's <c>fincore</c> does.</summary>
public static class PageCache
{
    private const int ProtRead = 1;
    private const int MapShared = 1;

    public static long ResidentBytes(string path)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (length == 0)
        {
            return 0;
        }

        var map = Mmap(0, (nuint)length, ProtRead, MapShared, (int)file.DangerousGetHandle(), 0);
        if (map == -1)
        {
            throw new IOException($"mmap of {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            var page = Environment.SystemPageSize;
            var pages = new byte[(length + page - 1) / page];
            if (Mincore(map, (nuint)length, pages) != 0)
            {
                throw new IOException($"mincore of {path} failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return pages.LongCount(resident => (resident & 1) != 0) * page;
        }
        finally
        {
            _ = Munmap(map, (nuint)length);
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int Mincore(nint address, nuint length, byte[] residency);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(nint address, nuint length);
}
