using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Speaks a reply sentence by sentence: each segment is synthesised, stored and announced as soon as it is ready, so
/// the avatar starts talking before the whole reply is rendered. A segment that cannot be spoken or stored is
/// reported and ends the reply there; what was spoken stands.
/// </summary>
internal sealed class ReplySpeaker(ITurnSession session, IAvatarSpeech avatarSpeech, TurnReport report, PipelineServices services)
{
    private readonly TurnReport _report = report;

    /// <summary>Speaks the reply sentence by sentence: each segment is synthesised, stored and announced as soon as
    /// it is ready, so the avatar can start talking before the whole reply is rendered.</summary>
    public async Task<SpokenReply> SpeakAsync(int turn, string text, long clockStart, int? queueMs, int? sttMs, int? aiMs, CancellationToken cancellationToken)
    {
        var sentences = SentenceSplitter.Split(text, services.Tts.MinSegmentChars);
        var records = new List<AvatarSegmentRecord>(sentences.Count);
        int ttsTotal = 0, storeTotal = 0;
        for (var i = 0; i < sentences.Count; i++)
        {
            var ttsStart = services.Now;
            AvatarClip clip;
            using (var tts = RoleplayTracing.StartStage("tts", avatarSpeech.Name))
            {
                try
                {
                    clip = await avatarSpeech.SynthesizeAsync(new SpeechRequest(sentences[i], session.Language, session.Variant.Persona.Voice), cancellationToken);
                }
                catch (SpeechSynthesisException ex)
                {
                    tts.Fail(ErrorCodes.TtsFailed, ex.Message);
                    await _report.ReportAsync(new ClientError(ErrorCodes.TtsFailed, $"The avatar could not speak turn {turn}: {ex.Message}", ex.Retryable));
                    break;
                }
            }

            using (clip)
            {
                var ttsMs = services.Ms(ttsStart, services.Now);
                var storeStart = services.Now;
                StoredMedia stored;
                using (var store = RoleplayTracing.StartStage("store", services.MediaStore.Name))
                {
                    try
                    {
                        stored = await services.MediaStore.SaveAsync(clip.Audio, MediaKind.AvatarAudio, clip.Extension, cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
                    {
                        store.Fail(ErrorCodes.StorageFailed, ex.Message);
                        services.Logger.LogError(ex, "Session {SessionId}: storing avatar audio failed", session.Id);
                        await _report.ReportAsync(new ClientError(ErrorCodes.StorageFailed, "The avatar's audio could not be stored.", true));
                        break;
                    }
                }

                var storeDone = services.Now;
                var storeMs = services.Ms(storeStart, storeDone);
                ttsTotal += ttsMs;
                storeTotal += storeMs;
                var durationMs = (int)Math.Round(clip.Duration.TotalMilliseconds);
                var url = services.MediaStore.GetUrl(stored.Key, session.MediaBaseUrl);
                await session.EmitAsync(new TurnSpeech(turn, i, i == sentences.Count - 1, sentences[i], url, clip.VideoUrl, durationMs, stored.MimeType, clip.Visemes,
                    new TurnTimings(queueMs, sttMs, aiMs, ttsMs, storeMs, services.Ms(clockStart, services.Now))));
                services.Metrics.RecordResultToWire(services.ExactMs(storeDone, services.Now));
                services.Metrics.StageDuration.Record(ttsMs, new KeyValuePair<string, object?>("stage", "tts"));
                services.Metrics.StageDuration.Record(storeMs, new KeyValuePair<string, object?>("stage", "store"));
                if (i == 0 && turn > 0)
                {
                    services.Metrics.TurnDuration.Record(services.Ms(clockStart, services.Now));
                }

                records.Add(new AvatarSegmentRecord(i, sentences[i], stored.Key, clip.VideoUrl, durationMs, stored.MimeType));
            }
        }

        return new SpokenReply(records, ttsTotal, storeTotal);
    }
}

/// <summary>What a reply's speech left: the segments stored, and the time spent speaking and storing them.</summary>
internal readonly record struct SpokenReply(List<AvatarSegmentRecord> Records, int TtsMs, int StoreMs);
