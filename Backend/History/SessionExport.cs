using System.IO.Compression;
using System.Text.Json;
using RoleplayHub.Storage;

namespace RoleplayHub.History;

/// <summary>
/// A session as one zip for an admin to keep or hand over: <c>session.json</c> (the detail the API returns, each audio
/// link a path inside the zip) and the audio itself under <c>media/</c>, at its store key. Audio the store no longer
/// has (swept after <c>Media:Retention</c>) is left out, and so is its link (<c>userAudioUrl</c> null, a segment's
/// <c>audioUrl</c> empty; the text stays): no link in the zip leads nowhere.
/// </summary>
internal sealed class SessionExport(HistoryQueries queries, IMediaStore media, ILogger<SessionExport> logger)
{
    private const string MediaFolder = "media/";

    /// <summary>The zip in a temporary file deleted when the stream is closed; null when there is no such session.</summary>
    public async Task<Stream?> ZipAsync(Guid id, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var detail = await queries.GetAsync(id, ownerId: null, key =>
        {
            keys.Add(key);
            return MediaFolder + key;
        }, cancellationToken);
        if (detail is null)
        {
            return null;
        }

        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var missing = new HashSet<string>(StringComparer.Ordinal);
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var key in keys)
                {
                    await using var audio = await media.OpenReadAsync(key, cancellationToken);
                    if (audio is null)
                    {
                        missing.Add(MediaFolder + key);
                        continue;
                    }

                    // Audio is already compressed or not worth the CPU (PCM compresses little and slowly).
                    await using var entry = await zip.CreateEntry(MediaFolder + key, CompressionLevel.NoCompression).OpenAsync(cancellationToken);
                    await audio.CopyToAsync(entry, cancellationToken);
                }

                await using var json = await zip.CreateEntry("session.json", CompressionLevel.Fastest).OpenAsync(cancellationToken);
                await JsonSerializer.SerializeAsync(json, WithoutMissing(detail, missing), JsonSerializerOptions.Web, cancellationToken);
            }

            if (missing.Count > 0)
            {
                logger.LogInformation("Export of session {Key}: {Count} media files are no longer stored and are left out", id, missing.Count);
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static SessionDetail WithoutMissing(SessionDetail detail, HashSet<string> missing) => missing.Count == 0 ? detail : detail with
    {
        Turns = [.. detail.Turns.Select(t => t with
        {
            UserAudioUrl = t.UserAudioUrl is { } user && missing.Contains(user) ? null : t.UserAudioUrl,
            AvatarSegments = [.. t.AvatarSegments.Select(s => missing.Contains(s.AudioUrl) ? s with { AudioUrl = "" } : s)],
        })],
    };
}
