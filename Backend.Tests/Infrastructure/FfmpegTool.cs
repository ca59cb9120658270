using System.Diagnostics;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Encodes test recordings the way browsers and SDKs would send them, with the real ffmpeg.</summary>
public static class FfmpegTool
{
    /// <summary>Runs <c>ffmpeg -i input [args] pipe:1</c> and returns the output bytes.</summary>
    public static byte[] Convert(string input, params string[] outputArgs)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-hide_banner", "-loglevel", "error", "-i", input, .. outputArgs, "pipe:1"])
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("ffmpeg is missing: run scripts/setup.sh test (apt package ffmpeg).", ex);
        }

        using (process)
        {
            using var output = new MemoryStream();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg failed: {stderr.Result}");
            }

            return output.ToArray();
        }
    }
}
