namespace RoleplayHub.Core;

/// <summary>A session's declared input format. Every format is normalised to 16 kHz mono PCM16 before STT.</summary>
public sealed record AudioFormat(AudioEncoding Encoding, int SampleRate, int Channels)
{
    /// <summary>The rate every decoder produces and every speech recogniser consumes.</summary>
    public const int NormalizedSampleRate = 16_000;

    /// <summary>Bytes per second of 16 kHz mono PCM16.</summary>
    public const int NormalizedBytesPerSecond = NormalizedSampleRate * 2;

    /// <summary>Sample rates a browser or SDK realistically sends; all are resampled with a low-pass filter.</summary>
    public static readonly IReadOnlyList<int> SupportedSampleRates = [8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000];

    /// <summary>The rate Opus always decodes at.</summary>
    public const int OpusSampleRate = 48_000;

    public static AudioFormat Default { get; } = new(AudioEncoding.Pcm16, NormalizedSampleRate, 1);

    public string WireName => ToWireName(Encoding);

    /// <summary>A WAV stream declared without <c>sampleRate</c> and <c>channels</c>: each file's header says (within the
    /// supported set); the session's limits are sized for the default format. A declared format must match the headers.</summary>
    public bool HeaderDecides { get; init; }

    public bool IsCompressed => Encoding is AudioEncoding.WebmOpus or AudioEncoding.OggOpus;

    /// <summary>Bytes of one PCM frame (all channels) for the uncompressed encodings.</summary>
    public int FrameBytes => 2 * Channels;

    /// <summary>Bytes per second of the raw stream; for Opus a nominal 32 kbit/s (what MediaRecorder uses for speech).</summary>
    public int NominalBytesPerSecond => IsCompressed ? 4_000 : SampleRate * FrameBytes;

    public static string ToWireName(AudioEncoding encoding) => encoding switch
    {
        AudioEncoding.Pcm16 => "pcm16",
        AudioEncoding.Wav => "wav",
        AudioEncoding.WebmOpus => "webm-opus",
        AudioEncoding.OggOpus => "ogg-opus",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>Validates a declared format (the client's <c>audioFormat</c>); missing fields take the defaults (pcm16,
    /// 16 kHz, mono).</summary>
    public static bool TryParse(string? encodingName, int? declaredSampleRate, int? declaredChannels, out AudioFormat format, out string error)
    {
        format = Default;
        error = "";
        AudioEncoding encoding;
        switch (encodingName?.Trim().ToLowerInvariant())
        {
            case null or "" or "pcm16" or "pcm" or "s16le":
                encoding = AudioEncoding.Pcm16;
                break;
            case "wav" or "wave":
                encoding = AudioEncoding.Wav;
                break;
            case "webm-opus" or "webm" or "audio/webm" or "audio/webm;codecs=opus":
                encoding = AudioEncoding.WebmOpus;
                break;
            case "ogg-opus" or "ogg" or "audio/ogg" or "audio/ogg;codecs=opus":
                encoding = AudioEncoding.OggOpus;
                break;
            default:
                error = $"audioFormat.encoding {ClientError.Echo(encodingName)} is not supported; use pcm16, wav, webm-opus or ogg-opus.";
                return false;
        }

        // Opus always decodes at 48 kHz; the container says how many channels. A WAV header must match what was
        // declared. Every field is checked for every encoding: the session's limits are sized from them.
        var defaultRate = encoding is AudioEncoding.WebmOpus or AudioEncoding.OggOpus ? OpusSampleRate : NormalizedSampleRate;
        var sampleRate = declaredSampleRate ?? defaultRate;
        var channels = declaredChannels ?? 1;
        if (encoding is AudioEncoding.WebmOpus or AudioEncoding.OggOpus && sampleRate != OpusSampleRate)
        {
            error = $"audioFormat.sampleRate {sampleRate} is not possible for Opus, which always decodes at {OpusSampleRate} Hz; omit it.";
            return false;
        }

        if (!SupportedSampleRates.Contains(sampleRate))
        {
            error = $"audioFormat.sampleRate {sampleRate} is not supported; use one of {string.Join(", ", SupportedSampleRates)}.";
            return false;
        }

        if (channels is < 1 or > 2)
        {
            error = $"audioFormat.channels {channels} is not supported; use 1 (mono) or 2 (stereo, downmixed).";
            return false;
        }

        format = new AudioFormat(encoding, sampleRate, channels)
        {
            HeaderDecides = encoding == AudioEncoding.Wav && declaredSampleRate is null && declaredChannels is null,
        };
        return true;
    }
}
