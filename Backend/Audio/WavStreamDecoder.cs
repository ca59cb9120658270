using System.Buffers.Binary;
using NAudio.Wave;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>
/// RIFF/WAVE input. The stream is one WAV (header once, then data for the whole session) or one WAV per utterance:
/// a header is expected at the start, after a sized <c>data</c> chunk has been consumed, and whenever an utterance
/// starts with <c>RIFF</c>. Only 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE) is accepted, with a clear error for
/// anything else.
/// </summary>
/// <remarks>
/// The chunks are walked here rather than by NAudio's <see cref="WaveFileReader"/>, which needs the whole file in a
/// seekable stream: here a header can arrive split across chunks and a file can follow another mid-stream. The
/// <c>fmt </c> chunk itself is read by NAudio's <see cref="WaveFormat"/>, which also resolves an extensible
/// format's sub-format.
/// </remarks>
public sealed class WavStreamDecoder(int? expectedSampleRate = null, int? expectedChannels = null) : IAudioStreamDecoder
{
    private const int MaxHeaderBytes = 4_096;
    private const uint UnknownSize = 0xFFFFFFFF;

    private readonly byte[] _header = new byte[MaxHeaderBytes];
    private int _headerCount;
    private bool _inData;
    private bool _utteranceStart = true;
    private long _dataRemaining; // -1 = until the stream ends
    private Pcm16StreamDecoder? _pcm;
    private BinaryReader? _formatReader; // over _header, made at the first header

    /// <summary>Format of the current WAV, once its header has been read.</summary>
    public WaveFormat? Format { get; private set; }

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
        int dataStart;
        uint dataSize;
        WaveFormat? format;
        try
        {
            parsed = TryParseHeader(_headerCount, out dataStart, out format, out dataSize);
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

        Format = format!;
        _pcm = new Pcm16StreamDecoder(format!.SampleRate, format.Channels);
        _inData = true;
        _dataRemaining = dataSize is 0 or UnknownSize or >= int.MaxValue ? -1 : dataSize;

        // Bytes of this call that lie beyond the header belong to the data chunk.
        var overshoot = _headerCount - dataStart;
        _headerCount = 0;
        return input[(take - overshoot)..];
    }

    private bool TryParseHeader(int count, out int dataStart, out WaveFormat? format, out uint dataSize)
    {
        var h = _header.AsSpan(0, count);
        dataStart = 0;
        format = null;
        dataSize = 0;
        if (h.Length < 12)
        {
            return false;
        }

        if (!h[..4].SequenceEqual("RIFF"u8) || !h.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException("Expected a WAV header ('RIFF' … 'WAVE'); the stream declared as wav does not start with one.");
        }

        var position = 12;
        while (position + 8 <= h.Length)
        {
            var id = h.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(position + 4, 4));
            var body = position + 8;
            if (id.SequenceEqual("data"u8))
            {
                if (format is null)
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
                format = ReadFormat(body, (int)size);
            }

            position = body + (int)size + (int)(size & 1); // chunks are word-aligned
        }

        return false;
    }

    private WaveFormat ReadFormat(int offset, int size)
    {
        if (size < 16)
        {
            throw new AudioFormatException("The WAV 'fmt ' chunk is truncated.");
        }

        _formatReader ??= new BinaryReader(new MemoryStream(_header, writable: false));
        _formatReader.BaseStream.Position = offset;
        WaveFormat declared;
        try
        {
            declared = WaveFormat.FromFormatChunk(_formatReader, size).AsStandardWaveFormat(); // extensible → its sub-format
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
        {
            throw new AudioFormatException($"The WAV 'fmt ' chunk is malformed: {ex.Message}");
        }

        if (declared.Encoding != WaveFormatEncoding.Pcm)
        {
            throw new AudioFormatException($"Only PCM WAV is supported; this file has format tag {(int)declared.Encoding} (3 = float, 6/7 = A-law/µ-law).");
        }

        if (declared.BitsPerSample != 16)
        {
            throw new AudioFormatException($"Only 16-bit WAV is supported; this file has {declared.BitsPerSample}-bit samples.");
        }

        if (declared.Channels is < 1 or > 2)
        {
            throw new AudioFormatException($"WAV with {declared.Channels} channels is not supported; use mono or stereo.");
        }

        if (!AudioFormat.SupportedSampleRates.Contains(declared.SampleRate))
        {
            throw new AudioFormatException($"WAV sample rate {declared.SampleRate} Hz is not supported; use one of {string.Join(", ", AudioFormat.SupportedSampleRates)}.");
        }

        if (declared.BlockAlign != declared.Channels * 2)
        {
            throw new AudioFormatException($"The WAV block alignment {declared.BlockAlign} does not match {declared.Channels} channel(s) of 16-bit samples.");
        }

        // A session that declared its format was sized for it: a header saying otherwise is refused, not believed.
        if ((expectedSampleRate is { } rate && rate != declared.SampleRate) || (expectedChannels is { } channels && channels != declared.Channels))
        {
            throw new AudioFormatException(
                $"The WAV header says {declared.SampleRate} Hz, {declared.Channels} channel(s); the session declared {expectedSampleRate ?? declared.SampleRate} Hz, " +
                $"{expectedChannels ?? declared.Channels} channel(s) in audioFormat. Declare the file's format (or omit sampleRate and channels).");
        }

        return declared;
    }
}
