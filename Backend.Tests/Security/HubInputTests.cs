using RoleplayHub.Audio;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Security;

/// <summary>Threat: hub input crafted to inflate a session's limits, to confuse the stream's bookkeeping, or to make
/// the server send a huge value back.</summary>
public sealed class HubInputTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("wav", 500_000_000, 1)]
    [InlineData("pcm16", 96_000, 1)]
    [InlineData("webm-opus", 16_000, 1)]
    [InlineData("wav", 16_000, 8)]
    [InlineData("ogg-opus", 48_000, 0)]
    public async Task ADeclaredFormatOutsideTheSupportedSetIsRefusedForEveryEncoding(string encoding, int sampleRate, int channels)
    {
        await using var client = await _factory.ConnectAsync("mallory");

        await client.RefusedAsync("start-session",
            new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding, sampleRate, channels } }, "unsupported-audio-format");
    }

    [Fact]
    public async Task TheLargestDeclaredFormatGetsLimitsOfTheSameDurationNotMore()
    {
        await using var client = await _factory.ConnectAsync("mallory");

        var started = await client.InvokeAsync("start-session",
            new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "wav", sampleRate = 48_000, channels = 2 } });

        // 48 kHz stereo is six times 16 kHz mono: six times the bytes for the same 1.024 s.
        Assert.Equal(6 * 32_768, started.GetProperty("audioConfig").Int("flushBytes"));
    }

    [Fact]
    public async Task AWavHeaderThatContradictsTheDeclaredFormatIsRefused()
    {
        await using var client = await _factory.ConnectAsync("mallory");
        var sessionId = await client.StartAsync(audioFormat: new { encoding = "wav", sampleRate = 16_000, channels = 1 }, waitForOpening: false);
        var stereo48k = new byte[WavFile.HeaderSize + 9_600];
        WavFile.Write(stereo48k, new byte[9_600], WavFile.Pcm16(48_000, channels: 2));

        await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, stereo48k, 0));
        await client.CommitAsync(sessionId);
        var refused = await client.WaitForEventAsync("error", e => e.Str("code") == "invalid-audio");

        Assert.Contains("WAV header says 48000 Hz, 2 channel(s)", refused.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOffsetNearTheTopOfTheRangeIsAGapNotADuplicate()
    {
        await using var client = await _factory.ConnectAsync("mallory");
        var sessionId = await client.StartAsync(waitForOpening: false);

        await client.RefusedAsync("audio-chunk", client.AudioChunk(sessionId, new byte[3_200], long.MaxValue - 1), "audio-gap");

        Assert.Empty(client.EventsNamed("audio-received"));
    }

    [Fact]
    public async Task AHugeBadValueIsNotSentBackWhole()
    {
        await using var client = await _factory.ConnectAsync("mallory");
        var huge = new string('x', 300_000);

        await client.RefusedAsync("commit-audio", new { sessionId = huge }, "session-not-found");
        await client.RefusedAsync("start-session", new { scenarioId = huge }, "unknown-scenario");

        Assert.All(client.EventsNamed("error"), e =>
        {
            Assert.True(e.Str("message")!.Length <= 600, $"{e.Str("message")!.Length} characters");
            Assert.True((e.Str("sessionId")?.Length ?? 0) <= 64);
        });
    }
}
