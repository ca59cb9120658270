using System.Runtime.InteropServices;
using RoleplayHub.Providers.Stt.PocketSphinx;

namespace RoleplayHub.Bench.Vad;

/// <summary>
/// Where the words of a clip are: PocketSphinx (Debian's en-US model) with the clip's transcript as its only grammar,
/// so the search can only place those words, in that order, with optional silence and fillers around them. A fresh
/// decoder per clip and one utterance, so segment frames (10 ms) count from the clip's first sample.
/// </summary>
internal static class ForcedAlignment
{
    private const string Model = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>The segments (words, silences, fillers) with their start and end in ms.</summary>
    public static unsafe List<(string Word, int StartMs, int EndMs)> Align(short[] samples, string transcript)
    {
        PocketSphinxNative.SilenceLogging();
        string[] args = ["pocketsphinx", "-hmm", Model + "/en-us", "-lm", Model + "/en-us.lm.bin", "-dict", Model + "/cmudict-en-us.dict"];
        var argv = args.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        var config = PocketSphinxNative.cmd_ln_parse_r(IntPtr.Zero, PocketSphinxNative.ps_args(), argv.Length, argv, 1);
        var decoder = PocketSphinxNative.ps_init(config);
        try
        {
            if (decoder == IntPtr.Zero
                || PocketSphinxNative.ps_set_jsgf_string(decoder, "clip", $"#JSGF V1.0;\ngrammar clip;\npublic <clip> = {transcript};\n") != 0
                || PocketSphinxNative.ps_set_search(decoder, "clip") != 0
                || PocketSphinxNative.ps_start_utt(decoder) != 0)
            {
                throw new InvalidOperationException($"PocketSphinx could not align \"{transcript}\".");
            }

            fixed (short* data = samples)
            {
                PocketSphinxNative.ps_process_raw(decoder, data, (nuint)samples.Length, 0, 1);
            }

            PocketSphinxNative.ps_end_utt(decoder);
            var segments = new List<(string, int, int)>();
            for (var seg = PocketSphinxNative.ps_seg_iter(decoder); seg != IntPtr.Zero; seg = PocketSphinxNative.ps_seg_next(seg))
            {
                PocketSphinxNative.ps_seg_frames(seg, out var start, out var end);
                segments.Add((Marshal.PtrToStringUTF8(PocketSphinxNative.ps_seg_word(seg)) ?? "", start * 10, (end + 1) * 10));
            }

            return segments;
        }
        finally
        {
            if (decoder != IntPtr.Zero)
            {
                PocketSphinxNative.ps_free(decoder);
            }

            PocketSphinxNative.cmd_ln_free_r(config);
            foreach (var arg in argv)
            {
                Marshal.FreeCoTaskMem(arg);
            }
        }
    }
}
