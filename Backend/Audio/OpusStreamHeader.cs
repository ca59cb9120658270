using System.Buffers;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>
/// What a new ffmpeg process needs to decode the continuation of a MediaRecorder stream that kept running: the
/// stream's header (everything before the first WebM cluster, or the first Ogg audio page) and, for WebM, a cluster
/// header carrying the last cluster's timecode when the continuation starts inside a cluster (MediaRecorder's chunks
/// end on block boundaries). A chunk that starts a new stream replaces what was kept.
/// </summary>
internal sealed class OpusStreamHeader(AudioEncoding encoding)
{
    private static readonly byte[] WebmMagic = [0x1A, 0x45, 0xDF, 0xA3];
    private static readonly byte[] WebmCluster = [0x1F, 0x43, 0xB6, 0x75];
    private static readonly byte[] OggMagic = "OggS"u8.ToArray();

    private ArrayBufferWriter<byte>? _capture; // while the current stream's header is being collected
    private byte[]? _header;
    private ulong _clusterTimecode;

    /// <summary>What to write to a new process ahead of <paramref name="input"/>: nothing when it starts a stream; for
    /// a recorder that kept running, the stream's header (and, inside a WebM cluster, the cluster's start), so the
    /// continuation decodes from its first block.</summary>
    public List<byte[]> Preamble(ReadOnlySpan<byte> input)
    {
        var parts = new List<byte[]>(2);
        if (!IsStreamStart(input) && _header is { Length: > 0 } header)
        {
            parts.Add(header);
            if (encoding == AudioEncoding.WebmOpus && !input.StartsWith(WebmCluster))
            {
                parts.Add(ClusterStart(_clusterTimecode));
            }
        }

        return parts;
    }

    /// <summary>Takes note of a chunk on its way to ffmpeg: the header while it is being collected, and WebM cluster
    /// timecodes.</summary>
    public void Observe(ReadOnlySpan<byte> input)
    {
        CaptureHeader(input);
        TrackClusterTimecode(input);
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
            _capture = new ArrayBufferWriter<byte>();
        }

        if (_capture is null)
        {
            return;
        }

        _capture.Write(input);
        var captured = _capture.WrittenSpan;
        var end = encoding == AudioEncoding.OggOpus ? OggHeaderEnd(captured) : captured.IndexOf(WebmCluster);
        if (end > 0)
        {
            _header = captured[..end].ToArray();
            _capture = null;
        }
        else if (_capture.WrittenCount > 64 * 1024)
        {
            _header = []; // no header in sight: give up rather than grow
            _capture = null;
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

    public bool IsStreamStart(ReadOnlySpan<byte> input) =>
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
}
