using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers.Stt.PocketSphinx;

/// <summary>In-process PocketSphinx. Bound from <c>Stt:PocketSphinx</c>; the defaults are Debian's en-US model.</summary>
public sealed class PocketSphinxOptions
{
    public const string Section = "Stt:PocketSphinx";

    public string ModelDirectory { get; set; } = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Acoustic model folder, relative to <see cref="ModelDirectory"/>.</summary>
    public string AcousticModel { get; set; } = "en-us";

    public string LanguageModel { get; set; } = "en-us.lm.bin";

    public string Dictionary { get; set; } = "cmudict-en-us.dict";

    /// <summary>Concurrent decoders (one per speaking session, ~100 MB each with the full language model). When all are
    /// lent out and none has been quiet for <see cref="IdleRelease"/>, a new session is refused at start-session with
    /// <c>stt-unavailable</c>.</summary>
    public int MaxDecoders { get; set; } = 16;

    /// <summary>Decoders one user's sessions may hold at once; a further session of theirs reuses their quietest one.</summary>
    public int MaxDecodersPerUser { get; set; } = 2;

    /// <summary>A session quiet (between utterances) this long gives its decoder back when another session needs one,
    /// and loads one again when it next speaks.</summary>
    public TimeSpan IdleRelease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Decoding runs on this many dedicated threads (default: the processor count), never on the thread
    /// pool that serves the hub, so a burst of turns cannot delay other sessions' acknowledgements.</summary>
    public int MaxParallelDecodes { get; set; }

    /// <summary>Restore the decoder's cepstral mean to its initial estimate before each utterance instead of carrying
    /// the previous utterance's adaptation over. Off by default: a session's decoder hears one speaker and one
    /// microphone, and carrying the adaptation over lowered the word error rate on the test clips (docs/benchmarks.md).</summary>
    public bool ResetCmnPerUtterance { get; set; }

    /// <summary>Run PocketSphinx's second and third passes (flat-lexicon search, best path) when an utterance ends. Off
    /// by default: on the test clips they left the word error rate where the first pass had it, made the final worse
    /// than the last partial more often, and made finalisation — which every turn waits for — several times slower
    /// (<c>bench/run.sh finals</c>, docs/turn-taking.md).</summary>
    public bool SecondPass { get; set; }

    internal string Path(string relative) => System.IO.Path.Combine(ModelDirectory, relative);
}

public sealed class ValidatePocketSphinxOptions : IValidateOptions<PocketSphinxOptions>
{
    public ValidateOptionsResult Validate(string? name, PocketSphinxOptions o)
    {
        var errors = new List<string>();
        if (o.MaxDecodersPerUser < 1 || o.IdleRelease < TimeSpan.Zero)
        {
            errors.Add("Stt:PocketSphinx:MaxDecodersPerUser must be at least 1 and Stt:PocketSphinx:IdleRelease not negative.");
        }

        if (o.MaxDecoders < 1)
        {
            errors.Add("Stt:PocketSphinx:MaxDecoders must be at least 1.");
        }

        if (o.MaxParallelDecodes < 0)
        {
            errors.Add("Stt:PocketSphinx:MaxParallelDecodes must not be negative (0 = processor count).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
