using Microsoft.Extensions.Options;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>Creates the per-session decoder for a declared input format.</summary>
public sealed class AudioDecoderFactory(IOptions<FfmpegOptions> ffmpeg)
{
    /// <summary>Null with an explanation when the format cannot be decoded on this server.</summary>
    public IAudioStreamDecoder? Create(AudioFormat format, out string error)
    {
        error = "";
        switch (format.Encoding)
        {
            case AudioEncoding.Pcm16:
                return new Pcm16StreamDecoder(format.SampleRate, format.Channels);
            case AudioEncoding.Wav:
                return format.HeaderDecides ? new WavStreamDecoder() : new WavStreamDecoder(format.SampleRate, format.Channels);
            case AudioEncoding.WebmOpus or AudioEncoding.OggOpus when FfmpegStreamDecoder.IsAvailable(ffmpeg.Value):
                return new FfmpegStreamDecoder(format.Encoding, ffmpeg.Value);
            default:
                error = $"{format.WireName} needs ffmpeg ('{ffmpeg.Value.Path}'), which is not installed on this server; send pcm16 or wav instead.";
                return null;
        }
    }
}
