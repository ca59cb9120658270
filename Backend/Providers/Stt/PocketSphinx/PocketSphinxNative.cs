using System.Runtime.InteropServices;

namespace RoleplayHub.Providers.Stt.PocketSphinx;

/// <summary>
/// P/Invoke surface of Debian's PocketSphinx 5prealpha (<c>libpocketsphinx.so.3</c>, <c>libsphinxbase.so.3</c>).
/// A decoder is not thread-safe: each is used by one session's worker at a time.
/// </summary>
internal static partial class PocketSphinxNative
{
    private const string PocketSphinx = "libpocketsphinx.so.3";
    private const string SphinxBase = "libsphinxbase.so.3";

    /// <summary>Offset of <c>cmn_struct</c> in sphinxbase's <c>feat_t</c> on x86-64 (checked with offsetof against
    /// the Debian 0.8+5prealpha headers); used to restore the live CMN estimate between utterances.</summary>
    internal const int FeatCmnStructOffset = 88;

    internal const int CepstrumLength = 13;

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_args();

    [LibraryImport(SphinxBase)]
    internal static partial IntPtr cmd_ln_parse_r(IntPtr inoutCmdln, IntPtr definitions, int argc, IntPtr[] argv, int strict);

    [LibraryImport(SphinxBase)]
    internal static partial int cmd_ln_free_r(IntPtr cmdln);

    [LibraryImport(SphinxBase)]
    internal static partial void err_set_logfp(IntPtr stream);

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_init(IntPtr config);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_free(IntPtr decoder);

    [LibraryImport(PocketSphinx, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_set_jsgf_string(IntPtr decoder, string name, string jsgf);

    [LibraryImport(PocketSphinx, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_set_search(IntPtr decoder, string name);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_start_utt(IntPtr decoder);

    [LibraryImport(PocketSphinx)]
    internal static unsafe partial int ps_process_raw(IntPtr decoder, short* data, nuint samples, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_end_utt(IntPtr decoder);

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_get_hyp(IntPtr decoder, out int bestScore);

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_seg_iter(IntPtr decoder);

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_seg_next(IntPtr segment);

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_seg_word(IntPtr segment);

    [LibraryImport(PocketSphinx)]
    internal static partial void ps_seg_frames(IntPtr segment, out int startFrame, out int endFrame);

    [LibraryImport(PocketSphinx)]
    internal static partial void ps_seg_free(IntPtr segment);

    [LibraryImport(PocketSphinx)]
    internal static partial IntPtr ps_get_feat(IntPtr decoder);

    [LibraryImport(SphinxBase)]
    internal static partial void cmn_live_get(IntPtr cmn, [Out] float[] vector);

    [LibraryImport(SphinxBase)]
    internal static partial void cmn_live_set(IntPtr cmn, float[] vector);

    private static int s_quiet;

    /// <summary>PocketSphinx logs every decoder's configuration to stderr; silence it once per process.</summary>
    internal static void SilenceLogging()
    {
        if (Interlocked.Exchange(ref s_quiet, 1) == 0)
        {
            err_set_logfp(IntPtr.Zero);
        }
    }
}
