using RoleplayHub.Audio;
using System.Buffers.Binary;
using System.Net;
using RoleplayHub.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// A real recording streamed through the hub in quarter-second chunks, in every format a browser sends, with the
/// real offline stack: the final transcript must match the reference words and the avatar's audio must download,
/// decode and last <c>duration</c>.
/// </summary>
public sealed class AudioFormatTests(ITestOutputHelper output) : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    public static TheoryData<string> Formats => ["pcm16@16k", "pcm16@48k-stereo", "wav", "webm-opus", "ogg-opus"];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ARecordingInThisFormatIsTranscribedAndAnswered(string format)
    {
        var clip = TestAudio.IllDisposed;
        var (audioFormat, stream, chunkBytes) = Encode(clip, format);
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync(audioFormat: audioFormat);

        await client.StreamAsync(sessionId, stream, chunkBytes);
        await client.CommitAsync(sessionId);
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Int("segment") == 0);

        var wer = TestAudio.WordErrorRate(clip.Reference, final.Str("text")!);
        output.WriteLine($"{format}: \"{final.Str("text")}\" WER {wer:P0} ({stream.Length} bytes in {(stream.Length + chunkBytes - 1) / chunkBytes} chunks)");
        Assert.True(wer <= 0.5, $"{format}: WER {wer:P0} for '{final.Str("text")}'");
        Assert.Empty(client.EventsNamed("error"));
        await AssertPlayableAsync(avatar);
    }

    [Fact]
    public async Task AStreamThatIsNotItsDeclaredFormatIsReportedAndTheSessionContinues()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync(audioFormat: new { encoding = "webm-opus" });

        var offset = await client.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16(), 8_000); // raw PCM, not WebM
        await client.CommitAsync(sessionId);
        var error = await client.WaitForEventAsync("error");
        await client.StreamAsync(sessionId, FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-f", "webm"), 1_000, offset);
        await client.CommitAsync(sessionId);
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));

        Assert.Equal("invalid-audio", error.Str("code"));
        Assert.Contains("webm-opus", error.Str("message"));
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, final.Str("text")!) <= 0.5);
    }

    [Fact]
    public async Task SilenceGetsNoSpeechAndClippingIsReported()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        var clipped = TestAudio.GoForward.Samples().Select(s => (short)Math.Clamp(s * 40, short.MinValue, short.MaxValue)).ToArray();

        var offset = await client.StreamAsync(sessionId, new byte[32_000]);
        await client.CommitAsync(sessionId);
        var silent = await client.WaitForEventAsync("error", e => e.Str("code") == "no-speech");
        await client.StreamAsync(sessionId, TestAudio.ToBytes(clipped), 8_000, offset);
        await client.CommitAsync(sessionId);
        var clipping = await client.WaitForEventAsync("error", e => e.Str("code") == "audio-clipping");
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        Assert.True(silent.Bool("retryable"));
        Assert.Contains(client.EventsNamed("transcription"), e => e.Bool("isFinal") && e.Str("text") == "");
        Assert.Contains("clipped", clipping.Str("message"));
        Assert.Equal(1, reply.Int("turnCount")); // the clipped turn still ran
    }

    [Fact]
    public async Task FinalTranscriptsCarryWordTimingsAndTheUsersAudioIsKept()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.StreamAsync(sessionId, TestAudio.GoForward.Pcm16(), 8_000);
        await client.CommitAsync(sessionId);
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        var words = final.GetProperty("words").EnumerateArray().Select(w => (Word: w.Str("word"), Start: w.Int("startMs"), End: w.Int("endMs"))).ToList();
        Assert.Equal(final.Str("text")!.Split(' '), words.Select(w => w.Word));
        Assert.All(words, w => Assert.True(w.End > w.Start));
        Assert.True(words.Zip(words.Skip(1)).All(p => p.First.End <= p.Second.Start + 10));
        Assert.InRange(words[^1].End, 1_000, 2_900);
        var userAudio = Directory.GetFiles(Path.Combine(_factory.DataDirectory, "media", "user"), "*.wav", SearchOption.AllDirectories).Single();
        Assert.Equal(44 + TestAudio.GoForward.Pcm16().Length, new FileInfo(userAudio).Length);
    }

    [Fact]
    public async Task AScenarioGrammarConstrainsRecognitionToItsPhrases()
    {
        _factory.WithScenario("card-drill", maxTurns: 3, grammarFile: Path.Combine(TestAudio.Folder, "cards", "cards.gram"));
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync("card-drill");
        var clip = File.ReadAllBytes(Path.Combine(TestAudio.Folder, "cards", "005.wav"))[44..];

        await client.StreamAsync(sessionId, clip, 8_000);
        await client.CommitAsync(sessionId);
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));

        // The full language model hears "eight of spades for up close seven of hearts" (docs/benchmarks.md).
        Assert.Equal("eight of spades four of clubs seven of hearts", final.Str("text"));
    }

    [Fact]
    public async Task An8KHzStreamIsToldAtTheStartThatTheOfflineRecogniserCannotHearItWell()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var narrow = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "pcm16", sampleRate = 8_000, channels = 1 } });
        var wide = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "pcm16", sampleRate = 16_000, channels = 1 } });

        var warning = Assert.Single(narrow.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("8000 Hz", warning, StringComparison.Ordinal);
        Assert.Contains("pocketsphinx", warning, StringComparison.Ordinal);
        Assert.False(wide.TryGetProperty("warnings", out _));
    }

    [Fact]
    public async Task An8KHzRateLearntFromAWavHeaderIsWarnedAboutBesideTheSettingsItChanged()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "wav" } });
        var sessionId = started.Str("sessionId")!;
        var narrow = new byte[WavFile.HeaderSize + 1_600];
        WavFile.Write(narrow, new byte[1_600], WavFile.Pcm16(8_000));

        await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, narrow, 0));
        var changed = await client.WaitForEventAsync("audio-received", e => e.TryGetProperty("audioConfig", out _));

        Assert.False(started.TryGetProperty("warnings", out _)); // the rate was not known at the start
        Assert.Equal(8_000, changed.GetProperty("audioConfig").Int("sampleRate"));
        var warning = Assert.Single(changed.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("8000 Hz", warning, StringComparison.Ordinal);
        Assert.Contains("pocketsphinx", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A48KHzStereoWavIsFlushedBySecondsOfItsOwnAudioAndTheAcknowledgementSaysSo()
    {
        var clip = TestAudio.IllDisposed;
        var wav = FfmpegTool.Convert(clip.Path, "-ar", "48000", "-ac", "2", "-f", "wav");
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync(audioFormat: new { encoding = "wav" });

        await client.StreamAsync(sessionId, wav, 48_000);
        await client.CommitAsync(sessionId);
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));

        var changed = Assert.Single(client.EventsNamed("audio-received"), e => e.TryGetProperty("audioConfig", out _));
        var config = changed.GetProperty("audioConfig");
        Assert.Equal((48_000, 2, 196_608), (config.Int("sampleRate"), config.Int("channels"), config.Int("flushBytes")));
        Assert.False(changed.TryGetProperty("warnings", out _));
        var seconds = (wav.Length - 44) / (48_000 * 4.0);
        Assert.InRange(client.EventsNamed("transcription").Count(e => !e.Bool("isFinal")), 0, (int)Math.Ceiling(seconds)); // one partial per flushed second at most
        Assert.True(TestAudio.WordErrorRate(clip.Reference, final.Str("text")!) <= 0.5, final.Str("text"));
    }

    [Fact]
    public async Task ALanguageNoRecogniserSpeaksIsRefusedAtStart()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "zh-CN" }, "unsupported-language");

        Assert.Contains("zh-CN", refusal.Message);
        Assert.Contains("Providers that would: aliyun", refusal.Message); // names who could, and how to configure it
        Assert.Contains("Stt__ByLanguage__zh-CN=aliyun", refusal.Message);
    }

    [Fact]
    public async Task SessionsBeyondTheDecoderCapAreRefusedUntilOneEnds()
    {
        _factory.Setting("Stt:PocketSphinx:MaxDecoders", "1");
        await using var client = await _factory.ConnectAsync("alice");
        var first = await client.StartAsync(waitForOpening: false);

        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario }, "stt-unavailable");
        await client.InvokeAsync("end-session", new { sessionId = first });
        await client.WaitForEventAsync("session-ended");
        await client.StartAsync(waitForOpening: false);

        Assert.True(client.EventsNamed("error").Single().Bool("retryable"));
    }

    private static (object Format, byte[] Stream, int ChunkBytes) Encode(TestAudio.Clip clip, string format) => format switch
    {
        "pcm16@16k" => (new { encoding = "pcm16", sampleRate = 16_000, channels = 1 }, clip.Pcm16(), 8_000),
        "pcm16@48k-stereo" => (new { encoding = "pcm16", sampleRate = 48_000, channels = 2 },
            FfmpegTool.Convert(clip.Path, "-ar", "48000", "-ac", "2", "-f", "s16le"), 48_000),
        "wav" => (new { encoding = "wav" }, File.ReadAllBytes(clip.Path), 8_000),
        "webm-opus" => (new { encoding = "webm-opus" }, FfmpegTool.Convert(clip.Path, "-c:a", "libopus", "-b:a", "32k", "-f", "webm"), 1_000),
        "ogg-opus" => (new { encoding = "ogg-opus" }, FfmpegTool.Convert(clip.Path, "-c:a", "libopus", "-b:a", "32k", "-f", "ogg"), 1_000),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private async Task AssertPlayableAsync(System.Text.Json.JsonElement avatar)
    {
        using var http = _factory.CreateClient();
        var response = await http.GetAsync(avatar.Str("audioUrl"));
        var wav = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = Path.Combine(_factory.DataDirectory, "check.wav");
        await File.WriteAllBytesAsync(path, wav);
        var decoded = FfmpegTool.Convert(path, "-f", "s16le", "-ac", "1", "-ar", "16000"); // an independent decoder reads it
        var seconds = decoded.Length / 2 / 16_000.0;
        Assert.InRange(avatar.Int("duration"), (int)(seconds * 1000) - 25, (int)(seconds * 1000) + 25);
        Assert.Equal(BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)), wav.Length - 44);
    }
}
