using NAudio.Dsp;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using RoleplayHub.Audio;

namespace RoleplayHub.Bench.Resampling;

/// <summary>A resampler fed as the audio path feeds one: mono float chunks in, PCM16 at the output rate appended.</summary>
internal interface IStreamingResampler
{
    void Process(ReadOnlySpan<float> input, PcmBuffer output);
}

/// <summary>The three resamplers compared; each instance is one session's stream.</summary>
internal static class StreamingResamplers
{
    public static readonly string[] Names = ["ours (polyphase)", "NAudio WdlResamplingSampleProvider", "NAudio WdlResampler, sinc"];

    public static IStreamingResampler Create(string name, int inputRate, int outputRate, int maxChunk) => Array.IndexOf(Names, name) switch
    {
        0 => new Ours(inputRate, outputRate),
        1 => new WdlProvider(inputRate, outputRate, maxChunk),
        2 => new WdlSinc(inputRate, outputRate, maxChunk),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static void AppendPcm16(ReadOnlySpan<float> samples, PcmBuffer output)
    {
        var destination = output.GetSpan(samples.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            // the rounding and clipping PolyphaseResampler applies, so only the filters differ
            var scaled = samples[i] * 32768f;
            destination[i] = scaled >= 32767f ? short.MaxValue : scaled <= -32768f ? short.MinValue : (short)MathF.Round(scaled);
        }

        output.Advance(samples.Length);
    }

    private sealed class Ours(int inputRate, int outputRate) : IStreamingResampler
    {
        private readonly PolyphaseResampler _resampler = new(inputRate, outputRate);

        public void Process(ReadOnlySpan<float> input, PcmBuffer output) => _resampler.Process(input, output);
    }

    /// <summary>
    /// NAudio's resampling sample provider as an application would use it (its own settings: linear interpolation with
    /// two cascaded IIR low-pass stages). It pulls: each read asks its source for as much input as the requested output
    /// needs, and a source that returns less is treated as the end of the stream (the rest is padded with zeros). So the
    /// harness queues each chunk and asks only for as many output samples as the queued input covers — at most
    /// ratio·n + 4 input samples for n outputs — leaving the remainder queued for the next chunk: no seams, no padding.
    /// </summary>
    private sealed class WdlProvider : IStreamingResampler
    {
        private readonly ChunkQueue _queue;
        private readonly WdlResamplingSampleProvider _resampler;
        private readonly double _ratio;
        private readonly float[] _output;

        public WdlProvider(int inputRate, int outputRate, int maxChunk)
        {
            _queue = new ChunkQueue(inputRate, 2 * maxChunk);
            _resampler = new WdlResamplingSampleProvider(_queue, outputRate);
            _ratio = (double)inputRate / outputRate;
            _output = new float[(int)((maxChunk + 8) / _ratio) + 8];
        }

        public void Process(ReadOnlySpan<float> input, PcmBuffer output)
        {
            _queue.Append(input);
            var frames = Math.Min((int)((_queue.Count - 4) / _ratio), _output.Length);
            if (frames <= 0)
            {
                return;
            }

            var read = _resampler.Read(_output.AsSpan(0, frames));
            AppendPcm16(_output.AsSpan(0, read), output);
        }
    }

    /// <summary>
    /// NAudio's WDL resampler itself in its windowed-sinc mode (64 taps, a 32× oversampled table: WDL's defaults), which
    /// the sample provider does not expose, driven in feed mode — input-driven, the audio path's model — so no harness
    /// is needed.
    /// </summary>
    private sealed class WdlSinc : IStreamingResampler
    {
        private readonly WdlResampler _resampler = new();
        private readonly float[] _output;

        public WdlSinc(int inputRate, int outputRate, int maxChunk)
        {
            _resampler.SetMode(interp: true, filtercnt: 0, sinc: true);
            _resampler.SetFeedMode(true);
            _resampler.SetRates(inputRate, outputRate);
            _output = new float[(int)((long)(maxChunk + 128) * outputRate / inputRate) + 8];
        }

        public void Process(ReadOnlySpan<float> input, PcmBuffer output)
        {
            var accepted = _resampler.ResamplePrepare(input.Length, 1, out var buffer);
            input[..accepted].CopyTo(buffer);
            var produced = _resampler.ResampleOut(_output, accepted, _output.Length, 1);
            AppendPcm16(_output.AsSpan(0, produced), output);
        }
    }

    /// <summary>The provider's source: the chunks received so far and not yet pulled, in one reused array.</summary>
    private sealed class ChunkQueue(int sampleRate, int capacity) : ISampleProvider
    {
        private readonly float[] _samples = new float[capacity];
        private int _start;

        public int Count { get; private set; }

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

        public void Append(ReadOnlySpan<float> chunk)
        {
            _samples.AsSpan(_start, Count).CopyTo(_samples);
            _start = 0;
            chunk.CopyTo(_samples.AsSpan(Count));
            Count += chunk.Length;
        }

        public int Read(Span<float> buffer)
        {
            var n = Math.Min(buffer.Length, Count);
            _samples.AsSpan(_start, n).CopyTo(buffer);
            _start += n;
            Count -= n;
            return n;
        }
    }
}
