using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.InteropServices;

namespace RoleplayHub.Audio;

/// <summary>
/// WebM/Opus and Ogg/Opus (what <c>MediaRecorder</c> produces) → 16 kHz mono PCM16 through one streaming ffmpeg
/// process per session. MediaRecorder chunks are fragments of one stream, so they are written to the same process
/// as they arrive and its PCM is collected as it comes out. Settings follow docs/benchmarks.md: no
/// <c>+nobuffer</c> (it drops the first 20–60 ms) and a tiny probe so the first PCM comes ~90 ms after the first
/// chunk. At the end of an utterance the decoder waits until ffmpeg has gone quiet, because the process keeps no
/// count of how much PCM the bytes written so far will produce.
/// </summary>
public sealed class FfmpegStreamDecoder(AudioEncoding encoding, FfmpegOptions options) : IAudioStreamDecoder
{
    private Process? _process;
    private Stream? _stdin;
    private Pipe? _stdout;
    private Task? _pump;
    private string _lastError = "";
    private byte _carry;
    private bool _hasCarry;
    private bool _outputSinceWrite;
    private long _utteranceInput;
    private long _utteranceOutput;

    /// <summary>True when the configured ffmpeg can be started (checked once per process).</summary>
    public static bool IsAvailable(FfmpegOptions options) => Availability.GetOrAdd(options.Path, Probe);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Availability = new();

    public async ValueTask DecodeAsync(ReadOnlyMemory<byte> input, PcmBuffer output, CancellationToken cancellationToken)
    {
        if (input.IsEmpty)
        {
            return;
        }

        EnsureStarted();
        try
        {
            _outputSinceWrite = false;
            _utteranceInput += input.Length;
            await _stdin!.WriteAsync(input, cancellationToken);
            await _stdin.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            throw Failed();
        }

        Drain(output);
    }

    public async ValueTask EndUtteranceAsync(PcmBuffer output, CancellationToken cancellationToken)
    {
        if (_process is null || _stdout is null)
        {
            return;
        }

        // Collect until ffmpeg has produced nothing for QuietPeriod (it has caught up with the input). Until the first
        // output after the last write, wait longer: a freshly started ffmpeg needs ~100 ms before its first PCM.
        var deadline = DateTime.UtcNow + options.MaxSettle;
        while (DateTime.UtcNow < deadline)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(_outputSinceWrite ? options.QuietPeriod : deadline - DateTime.UtcNow);
            try
            {
                var read = await _stdout.Reader.ReadAsync(quiet.Token);
                Append(read.Buffer, output);
                _stdout.Reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (_process.HasExited && _process.ExitCode != 0)
        {
            throw Failed();
        }

        var (input, decoded) = (_utteranceInput, _utteranceOutput);
        _utteranceInput = _utteranceOutput = 0;
        if (input > 0 && decoded == 0)
        {
            // ffmpeg is still hunting for a header in data that is not this format: start over with the next stream.
            await DisposeAsync();
            throw new AudioFormatException(
                $"No audio could be decoded from {input} bytes declared as {AudioFormat.ToWireName(encoding)}; the stream is not in that format or lacks its header.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _stdin?.Dispose();
            if (!_process.WaitForExit(200))
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }

        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        _process.Dispose();
        _process = null;
    }

    private void EnsureStarted()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        _process?.Dispose();
        var info = new ProcessStartInfo(options.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (ReadOnlySpan<string>)["-hide_banner", "-loglevel", "error", "-f", encoding == AudioEncoding.OggOpus ? "ogg" : "webm",
                     "-probesize", "32", "-analyzeduration", "0", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "16000", "-flush_packets", "1", "pipe:1"])
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info) ?? throw new AudioFormatException("ffmpeg could not be started.");
        }
        catch (Win32Exception ex)
        {
            throw new AudioFormatException($"ffmpeg is needed to decode {AudioFormat.ToWireName(encoding)} but could not be started: {ex.Message}");
        }

        _stdin = _process.StandardInput.BaseStream;
        _stdout = new Pipe(new PipeOptions(pauseWriterThreshold: 16 * 1024 * 1024, resumeWriterThreshold: 8 * 1024 * 1024));
        _pump = PumpAsync(_process.StandardOutput.BaseStream, _stdout.Writer);
        var process = _process;
        _ = Task.Run(async () =>
        {
            try
            {
                var text = await process.StandardError.ReadToEndAsync();
                if (text.Length > 0)
                {
                    _lastError = text.Trim().Split('\n')[^1];
                }
            }
            catch (InvalidOperationException)
            {
            }
        });
        _hasCarry = false;
    }

    private static async Task PumpAsync(Stream stdout, PipeWriter writer)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(8_192);
                var read = await stdout.ReadAsync(memory);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);
                await writer.FlushAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
        finally
        {
            await writer.CompleteAsync();
        }
    }

    private void Drain(PcmBuffer output)
    {
        while (_stdout!.Reader.TryRead(out var read))
        {
            Append(read.Buffer, output);
            _stdout.Reader.AdvanceTo(read.Buffer.End);
            if (read.Buffer.IsEmpty || read.IsCompleted)
            {
                break;
            }
        }
    }

    private void Append(ReadOnlySequence<byte> pcm, PcmBuffer output)
    {
        foreach (var segment in pcm)
        {
            var bytes = segment.Span;
            if (bytes.IsEmpty)
            {
                continue;
            }

            _outputSinceWrite = true;
            _utteranceOutput += bytes.Length;
            if (_hasCarry)
            {
                output.Write([(short)(_carry | (bytes[0] << 8))]);
                bytes = bytes[1..];
                _hasCarry = false;
            }

            var whole = bytes.Length & ~1;
            output.Write(MemoryMarshal.Cast<byte, short>(bytes[..whole]));
            if (whole < bytes.Length)
            {
                _carry = bytes[^1];
                _hasCarry = true;
            }
        }
    }

    private AudioFormatException Failed()
    {
        try
        {
            _process?.WaitForExit(500);
        }
        catch (InvalidOperationException)
        {
        }

        var detail = _lastError.Length > 0 ? _lastError : "the decoder stopped";
        return new AudioFormatException(
            $"The {AudioFormat.ToWireName(encoding)} stream could not be decoded ({detail}). A MediaRecorder stream must start with its header; start a new recording.");
    }

    private static bool Probe(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, "-hide_banner -version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEnd();
            process.WaitForExit(5_000);
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>Bound from <c>Audio:Ffmpeg</c>.</summary>
public sealed class FfmpegOptions
{
    public const string Section = "Audio:Ffmpeg";

    public string Path { get; set; } = "ffmpeg";

    /// <summary>At the end of an utterance, ffmpeg is considered caught up after this long without output.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(80);

    /// <summary>Upper bound on that wait.</summary>
    public TimeSpan MaxSettle { get; set; } = TimeSpan.FromSeconds(2);
}
