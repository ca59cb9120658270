using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>
/// WebM/Opus and Ogg/Opus (what <c>MediaRecorder</c> produces) → 16 kHz mono PCM16 through a streaming ffmpeg
/// process. MediaRecorder chunks are fragments of one stream: they are written to the process as they arrive and its
/// PCM is collected as it comes out, so partial transcripts follow the speech. Settings follow docs/benchmarks.md: no
/// <c>+nobuffer</c> (it drops the first 20–60 ms) and a tiny probe so the first PCM comes ~90 ms after the first chunk.
/// <para>
/// The end of an utterance closes the process's input and reads its output to the end: ffmpeg keeps a few packets
/// in flight and says nothing about how many samples are still to come, so only end-of-file gives every sample, under
/// any load. The next utterance starts a new process. A client that starts a new recorder per utterance sends a new
/// header anyway; for a recorder that keeps running, the stream's header is kept and written ahead of the continuation
/// (<see cref="OpusStreamHeader"/>).
/// </para>
/// </summary>
public sealed class FfmpegStreamDecoder(AudioEncoding encoding, FfmpegOptions options) : IAudioStreamDecoder
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Availability = new();

    private readonly OpusStreamHeader _header = new(encoding);

    private Process? _process;
    private Stream? _stdin;
    private Pipe? _stdout;
    private Task? _pump;
    private Task<string>? _stderr;
    private byte _carry;
    private bool _hasCarry;
    private long _utteranceInput;
    private long _utteranceOutput;

    /// <summary>True when the configured ffmpeg can be started (checked once per process).</summary>
    public static bool IsAvailable(FfmpegOptions options) => Availability.GetOrAdd(options.Path, Probe);

    public async ValueTask DecodeAsync(ReadOnlyMemory<byte> input, PcmBuffer output, CancellationToken cancellationToken)
    {
        if (input.IsEmpty)
        {
            return;
        }

        if (_process is null)
        {
            Start();
            foreach (var part in _header.Preamble(input.Span))
            {
                await WriteAsync(part, cancellationToken);
            }
        }

        _header.Observe(input.Span);
        _utteranceInput += input.Length;
        await WriteAsync(input, cancellationToken);
        Drain(output);
    }

    public async ValueTask EndUtteranceAsync(PcmBuffer output, CancellationToken cancellationToken)
    {
        if (_process is null || _stdout is null)
        {
            return;
        }

        // End of input: ffmpeg decodes what it holds, writes it and exits.
        try
        {
            await _stdin!.DisposeAsync();
        }
        catch (IOException)
        {
            // it has already stopped; its exit code says why
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.MaxSettle);
        try
        {
            while (true)
            {
                var read = await _stdout.Reader.ReadAsync(limit.Token);
                Append(read.Buffer, output);
                _stdout.Reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // ffmpeg did not finish within MaxSettle: keep what came out, start afresh next time
        }

        var failed = _process.HasExited && _process.ExitCode != 0;
        var error = failed ? await ErrorTextAsync() : "";
        var (input, decoded) = (_utteranceInput, _utteranceOutput);
        await StopAsync();
        _utteranceInput = _utteranceOutput = 0;
        if (failed || (input > 0 && decoded == 0))
        {
            throw new AudioFormatException(
                $"No audio could be decoded from {input} bytes declared as {AudioFormat.ToWireName(encoding)} ({(error.Length > 0 ? error : "no audio frames")}); " +
                "the stream is not in that format or lacks its header — start a new recording.");
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Start()
    {
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
        _stderr = _process.StandardError.ReadToEndAsync();
        _hasCarry = false;
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await _stdin!.WriteAsync(data, cancellationToken);
            await _stdin.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (bad data): the end of the utterance reports it with ffmpeg's own words
        }
    }

    private async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            _stdin?.Dispose();
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
        }

        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        process.Dispose();
    }

    private async Task<string> ErrorTextAsync()
    {
        try
        {
            var text = _stderr is null ? "" : await _stderr.WaitAsync(TimeSpan.FromSeconds(1));
            return text.Trim().Split('\n')[^1].Trim();
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            return "";
        }
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
