using System.Buffers.Binary;

namespace RoleplayHub.Audio;

/// <summary>
/// RIFF/WAVE input. The stream is one WAV (header once, then data for the whole session) or one WAV per utterance:
/// a header is expected at the start, after a sized <c>data</c> chunk has been consumed, and whenever an utterance
/// starts with <c>RIFF</c>. Only 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE) is accepted, with a clear error for
/// anything else.
/// </summary>
public sealed class WavStreamDecoder : IAudioStreamDecoder
{
    private const int MaxHeaderBytes = 4_096;
    private const uint UnknownSize = 0xFFFFFFFF;

    private readonly byte[] _header = new byte[MaxHeaderBytes];
    private int _headerCount;
    private bool _inData;
    private bool _utteranceStart = true;
    private long _dataRemaining; // -1 = until the stream ends
    private Pcm16StreamDecoder? _pcm;

    /// <summary>Format of the current WAV, once its header has been read.</summary>
    public (int SampleRate, int Channels)? Format { get; private set; }

    public ValueTask DecodeAsync(ReadOnlyMemory<byte> input, PcmBuffer output, CancellationToken cancellationToken)
    {
        Decode(input.Span, output);
        return ValueTask.CompletedTask;
    }

    public ValueTask EndUtteranceAsync(PcmBuffer output, CancellationToken cancellationToken)
    {
        if (!_inData && _headerCount > 0)
        {
            var partial = _headerCount;
            _headerCount = 0;
            throw new AudioFormatException($"The utterance ended inside a WAV header ({partial} bytes); the header is truncated.");
        }

        _utteranceStart = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Decode(ReadOnlySpan<byte> input, PcmBuffer output)
    {
        while (!input.IsEmpty)
        {
            if (_inData && _utteranceStart && _headerCount == 0 && StartsWithRiff(input))
            {
                _inData = false; // a new file begins
            }

            _utteranceStart = false;
            if (!_inData)
            {
                input = ReadHeader(input);
                continue;
            }

            var take = _dataRemaining < 0 ? input.Length : (int)Math.Min(_dataRemaining, input.Length);
            _pcm!.Decode(input[..take], output);
            input = input[take..];
            if (_dataRemaining >= 0)
            {
                _dataRemaining -= take;
                if (_dataRemaining == 0)
                {
                    _inData = false; // anything after this is the next file (or trailing chunks we skip)
                }
            }
        }
    }

    private static bool StartsWithRiff(ReadOnlySpan<byte> input) => input.Length >= 4 && input[..4].SequenceEqual("RIFF"u8);

    private ReadOnlySpan<byte> ReadHeader(ReadOnlySpan<byte> input)
    {
        var take = Math.Min(input.Length, MaxHeaderBytes - _headerCount);
        input[..take].CopyTo(_header.AsSpan(_headerCount));
        _headerCount += take;

        bool parsed;
        int dataStart, sampleRate, channels;
        uint dataSize;
        try
        {
            parsed = TryParseHeader(_header.AsSpan(0, _headerCount), out dataStart, out sampleRate, out channels, out dataSize);
        }
        catch (AudioFormatException)
        {
            _headerCount = 0;
            throw;
        }

        if (!parsed)
        {
            if (_headerCount >= MaxHeaderBytes)
            {
                _headerCount = 0;
                throw new AudioFormatException("No WAV 'data' chunk within the first 4 KB: the header is invalid or truncated.");
            }

            return [];
        }

        Format = (sampleRate, channels);
        _pcm = new Pcm16StreamDecoder(sampleRate, channels);
        _inData = true;
        _dataRemaining = dataSize is 0 or UnknownSize or >= int.MaxValue ? -1 : dataSize;

        // Bytes of this call that lie beyond the header belong to the data chunk.
        var overshoot = _headerCount - dataStart;
        _headerCount = 0;
        return input[(take - overshoot)..];
    }

    private static bool TryParseHeader(ReadOnlySpan<byte> h, out int dataStart, out int sampleRate, out int channels, out uint dataSize)
    {
        dataStart = 0;
        sampleRate = 0;
        channels = 0;
        dataSize = 0;
        if (h.Length < 12)
        {
            return false;
        }

        if (!h[..4].SequenceEqual("RIFF"u8) || !h.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException("Expected a WAV header ('RIFF' … 'WAVE'); the stream declared as wav does not start with one.");
        }

        var sawFormat = false;
        var position = 12;
        while (position + 8 <= h.Length)
        {
            var id = h.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(position + 4, 4));
            var body = position + 8;
            if (id.SequenceEqual("data"u8))
            {
                if (!sawFormat)
                {
                    throw new AudioFormatException("The WAV 'data' chunk comes before its 'fmt ' chunk.");
                }

                dataStart = body;
                dataSize = size;
                return true;
            }

            if (body + size > h.Length)
            {
                return false; // need more bytes
            }

            if (id.SequenceEqual("fmt "u8))
            {
                ReadFormat(h.Slice(body, (int)size), out sampleRate, out channels);
                sawFormat = true;
            }

            position = body + (int)size + (int)(size & 1); // chunks are word-aligned
        }

        return false;
    }

    private static void ReadFormat(ReadOnlySpan<byte> fmt, out int sampleRate, out int channels)
    {
        if (fmt.Length < 16)
        {
            throw new AudioFormatException("The WAV 'fmt ' chunk is truncated.");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        sampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        const ushort Pcm = 1, Extensible = 0xFFFE;
        if (tag == Extensible && fmt.Length >= 26)
        {
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // first two bytes of the sub-format GUID
        }

        if (tag != Pcm)
        {
            throw new AudioFormatException($"Only PCM WAV is supported; this file has format tag {tag} (3 = float, 6/7 = A-law/µ-law).");
        }

        if (bits != 16)
        {
            throw new AudioFormatException($"Only 16-bit WAV is supported; this file has {bits}-bit samples.");
        }

        if (channels is < 1 or > 2)
        {
            throw new AudioFormatException($"WAV with {channels} channels is not supported; use mono or stereo.");
        }

        if (!AudioFormat.SupportedSampleRates.Contains(sampleRate))
        {
            throw new AudioFormatException($"WAV sample rate {sampleRate} Hz is not supported; use one of {string.Join(", ", AudioFormat.SupportedSampleRates)}.");
        }

        if (blockAlign != channels * 2)
        {
            throw new AudioFormatException($"The WAV block alignment {blockAlign} does not match {channels} channel(s) of 16-bit samples.");
        }
    }
}
