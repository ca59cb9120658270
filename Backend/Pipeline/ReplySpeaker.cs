using System.Runtime.InteropServices;
using System.Threading.Channels;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Speaks a reply sentence by sentence as its sentences arrive — while the model is still writing the rest — so the
/// avatar starts talking after the first sentence. Each segment is synthesised, stored and announced as soon as it is
/// ready, in order. A segment that cannot be spoken or stored is reported and ends the reply's speech there; what was
/// spoken stands.
/// </summary>
internal sealed class ReplySpeaker(ITurnSession session, IAvatarSpeech avatarSpeech, TurnReport report, PersonaFloor floor, PipelineServices services)
{
    private readonly TurnReport _report = report;

    /// <summary>Speaks a whole text (the opening line, a retried reply whose speech failed).</summary>
    public Task<SpokenReply> SpeakAsync(int turn, string text, ReplyClock clock, List<AvatarSegmentRecord> spoken, CancellationToken cancellationToken, int firstSegment = 0)
    {
        var sentences = SentenceSplitter.Split(text, services.Tts.MinSegmentChars);
        var channel = Channel.CreateUnbounded<ReplySentence>();
        for (var i = 0; i < sentences.Count; i++)
        {
            channel.Writer.TryWrite(new ReplySentence(sentences[i], i == sentences.Count - 1));
        }

        channel.Writer.Complete();
        return SpeakAsync(turn, channel.Reader, clock, spoken, cancellationToken, firstSegment);
    }

    /// <summary>Speaks each sentence as it arrives, numbering segments from <paramref name="firstSegment"/>, until the
    /// last one is spoken or the writer completes (or a segment fails: the rest are drained unspoken, so the writer never
    /// waits). Each segment sent is added to <paramref name="spoken"/> at once, so an interrupted reply still knows what
    /// it said.</summary>
    public async Task<SpokenReply> SpeakAsync(int turn, ChannelReader<ReplySentence> sentences, ReplyClock clock, List<AvatarSegmentRecord> spoken, CancellationToken cancellationToken, int firstSegment = 0)
    {
        var count = 0; // this call's segments, the last ones in spoken
        int ttsTotal = 0, storeTotal = 0;
        var failed = false;
        await foreach (var sentence in sentences.ReadAllAsync(cancellationToken))
        {
            if (failed)
            {
                continue;
            }

            var segment = firstSegment + count;
            var ttsStart = services.Now;
            AvatarClip clip;
            using (var tts = RoleplayTracing.StartStage("tts", avatarSpeech.Name))
            {
                try
                {
                    clip = await avatarSpeech.SynthesizeAsync(new SpeechRequest(sentence.Text, session.Language, session.Variant.Persona.Voice), cancellationToken);
                }
                catch (SpeechSynthesisException ex)
                {
                    tts.Fail(ErrorCodes.TtsFailed, ex.Message);
                    await _report.ReportAsync(new ClientError(ErrorCodes.TtsFailed, $"The avatar could not speak turn {turn}: {ex.Message}", ex.Retryable));
                    failed = true;
                    continue;
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
                        failed = true;
                        continue;
                    }
                }

                var storeDone = services.Now;
                var storeMs = services.Ms(storeStart, storeDone);
                ttsTotal += ttsMs;
                storeTotal += storeMs;
                var durationMs = (int)Math.Round(clip.Duration.TotalMilliseconds);
                if (count == 0 && turn > 0)
                {
                    clock.FirstAudioReached();
                }

                await session.EmitAsync(new TurnSpeech(turn, segment, sentence.IsLast, sentence.Text, stored.Key, session.MediaBaseUrl, clip.VideoUrl, durationMs, stored.MimeType, clip.Visemes,
                    clock.Timings(ttsMs, storeMs)));
                services.Metrics.RecordResultToWire(services.ExactMs(storeDone, services.Now));
                services.Metrics.StageDuration.Record(ttsMs, new KeyValuePair<string, object?>("stage", "tts"));
                services.Metrics.StageDuration.Record(storeMs, new KeyValuePair<string, object?>("stage", "store"));
                floor.SegmentSent(turn, segment, sentence.Text, durationMs, clip.Words);
                var record = new AvatarSegmentRecord(segment, sentence.Text, stored.Key, clip.VideoUrl, durationMs, stored.MimeType);
                lock (spoken)
                {
                    spoken.Add(record);
                }

                count++;
            }

            if (sentence.IsLast)
            {
                // The reply has been said to its end. Waiting on for the writer to complete would let a session ended
                // in that moment (the trainee heard the last segment and left) cancel a reply already delivered.
                break;
            }
        }

        AvatarSegmentRecord[] records;
        lock (spoken)
        {
            records = CollectionsMarshal.AsSpan(spoken)[^count..].ToArray();
        }

        return new SpokenReply(records, ttsTotal, storeTotal);
    }
}

/// <summary>A sentence of the reply for the speaker; <see cref="IsLast"/> once the reply is known to end with it.</summary>
internal readonly record struct ReplySentence(string Text, bool IsLast);

/// <summary>What a reply's speech left: the segments stored, and the time spent speaking and storing them. The segments
/// are a copy of the reply's own list (<see cref="ReplyInFlight.Spoken"/>), not a second list grown beside it.</summary>
internal readonly record struct SpokenReply(AvatarSegmentRecord[] Records, int TtsMs, int StoreMs);
