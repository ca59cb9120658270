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
/// header anyway; for a recorder that keeps running, the stream's header (everything before the first WebM cluster or
/// the first Ogg audio page) is kept and written ahead of the continuation — for WebM with a cluster header carrying
/// the last cluster's timecode when the continuation starts inside a cluster (MediaRecorder's chunks end on block
/// boundaries).
/// </para>
/// </summary>
public sealed class FfmpegStreamDecoder(AudioEncoding encoding, FfmpegOptions options) : IAudioStreamDecoder
{
    private static readonly byte[] WebmMagic = [0x1A, 0x45, 0xDF, 0xA3];
    private static readonly byte[] WebmCluster = [0x1F, 0x43, 0xB6, 0x75];
    private static readonly byte[] OggMagic = "OggS"u8.ToArray();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Availability = new();

    private ArrayBufferWriter<byte>? _headerCapture; // while the current stream's header is being collected
    private byte[]? _header;
    private Process? _process;
    private Stream? _stdin;
    private Pipe? _stdout;
    private Task? _pump;
    private Task<string>? _stderr;
    private byte _carry;
    private bool _hasCarry;
    private long _utteranceInput;
    private long _utteranceOutput;
    private ulong _clusterTimecode;

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
            if (!IsStreamStart(input.Span) && _header is { Length: > 0 } header)
            {
                // A recorder that kept running: give ffmpeg the stream's header again (and, inside a WebM cluster, the
                // cluster's start), so the continuation decodes from its first block.
                await WriteAsync(header, cancellationToken);
                if (encoding == AudioEncoding.WebmOpus && !input.Span.StartsWith(WebmCluster))
                {
                    await WriteAsync(ClusterStart(_clusterTimecode), cancellationToken);
                }
            }
        }

        CaptureHeader(input.Span);
        TrackClusterTimecode(input.Span);
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

    /// <summary>Keeps the stream's header — the bytes before the first WebM cluster, or the Ogg pages before the first
    /// audio page (OpusHead and OpusTags) — to restart ffmpeg mid-stream.</summary>
    private void CaptureHeader(ReadOnlySpan<byte> input)
    {
        if (IsStreamStart(input))
        {
            // A new recorder, a new stream: its header replaces the previous recorder's (an Ogg continuation under
            // another stream's header would not decode).
            _header = null;
            _headerCapture = new ArrayBufferWriter<byte>();
        }

        if (_headerCapture is null)
        {
            return;
        }

        _headerCapture.Write(input);
        var captured = _headerCapture.WrittenSpan;
        var end = encoding == AudioEncoding.OggOpus ? OggHeaderEnd(captured) : captured.IndexOf(WebmCluster);
        if (end > 0)
        {
            _header = captured[..end].ToArray();
            _headerCapture = null;
        }
        else if (_headerCapture.WrittenCount > 64 * 1024)
        {
            _header = []; // no header in sight: give up rather than grow
            _headerCapture = null;
        }
    }

    /// <summary>Remembers the timecode of the latest WebM cluster seen (ID 1F43B675, then its Timecode element E7).</summary>
    private void TrackClusterTimecode(ReadOnlySpan<byte> input)
    {
        if (encoding != AudioEncoding.WebmOpus)
        {
            return;
        }

        for (var at = input.IndexOf(WebmCluster); at >= 0; at = NextCluster(input, at))
        {
            var position = at + 4;
            if (!Ebml.TryReadSize(input, ref position, out _) || position >= input.Length || input[position] != 0xE7)
            {
                continue;
            }

            position++;
            if (Ebml.TryReadSize(input, ref position, out var length) && length is > 0 and <= 8 && position + (int)length <= input.Length)
            {
                ulong timecode = 0;
                foreach (var b in input.Slice(position, (int)length))
                {
                    timecode = (timecode << 8) | b;
                }

                _clusterTimecode = timecode;
            }
        }
    }

    private static int NextCluster(ReadOnlySpan<byte> input, int after)
    {
        var next = input[(after + 4)..].IndexOf(WebmCluster);
        return next < 0 ? -1 : after + 4 + next;
    }

    /// <summary>A cluster of unknown size starting at <paramref name="timecode"/>: ID, size, Timecode element.</summary>
    private static byte[] ClusterStart(ulong timecode) =>
        [.. WebmCluster, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xE7, 0x88, .. BitConverter.GetBytes(timecode).Reverse()];

    private bool IsStreamStart(ReadOnlySpan<byte> input) =>
        encoding == AudioEncoding.OggOpus ? input.StartsWith(OggMagic) && input.IndexOf("OpusHead"u8) is >= 0 and < 64 : input.StartsWith(WebmMagic);

    /// <summary>The offset of the third Ogg page (after OpusHead and OpusTags), or -1 while it is not there yet.</summary>
    private static int OggHeaderEnd(ReadOnlySpan<byte> data)
    {
        var position = 0;
        for (var page = 0; page < 2; page++)
        {
            if (position + 27 > data.Length || !data[position..].StartsWith(OggMagic))
            {
                return -1;
            }

            int segments = data[position + 26];
            if (position + 27 + segments > data.Length)
            {
                return -1;
            }

            var body = 0;
            for (var i = 0; i < segments; i++)
            {
                body += data[position + 27 + i];
            }

            position += 27 + segments + body;
        }

        return position <= data.Length ? position : -1;
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

/// <summary>Bound from <c>Audio:Ffmpeg</c>.</summary>
public sealed class FfmpegOptions
{
    public const string Section = "Audio:Ffmpeg";

    public string Path { get; set; } = "ffmpeg";

    /// <summary>Longest wait, at the end of an utterance, for ffmpeg to decode what it holds and exit.</summary>
    public TimeSpan MaxSettle { get; set; } = TimeSpan.FromSeconds(5);
}
