using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>stream-audio: a session's audio as one client → server stream, commits in-band.</summary>
public sealed class StreamAudioTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ARecordingStreamedWithAnInBandCommitGetsTheWholeTurn()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        var audio = TestAudio.IllDisposed.Pcm16();

        var stream = await client.StartStreamAsync("stream-audio", sessionId);
        foreach (var (offset, bytes) in TestAudio.Chunks(audio, 8_000))
        {
            await stream.WriteAsync(new { audioData = Convert.ToBase64String(bytes), offset });
        }

        await stream.WriteAsync(new { commit = true });
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1);
        stream.Complete();

        Assert.Equal(12, client.EventsNamed("audio-received").Count);
        Assert.Equal(audio.Length, client.EventsNamed("audio-received")[^1].Long("totalBytes"));
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, final.Str("text")!) <= 0.5);
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task BadItemsGetErrorEventsAndTheStreamCarriesOn()
    {
        await using var client = await _factory.WithEchoSpeech().ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        var speech = EchoSpeechToText.Speak("what is the price");

        var stream = await client.StartStreamAsync("stream-audio", sessionId);
        await stream.WriteAsync(new { audioData = "not base64!", offset = 0 });
        await stream.WriteAsync(new { audioData = Convert.ToBase64String(speech), offset = 1_000 });
        await stream.WriteAsync(new { audioData = Convert.ToBase64String(speech), offset = 0, commit = true });
        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));

        var codes = client.EventsNamed("error").Select(e => e.Str("code")).ToList();
        Assert.Equal(["invalid-audio", "audio-gap"], codes);
        Assert.Equal("what is the price", final.Str("text"));
    }

    [Fact]
    public async Task AStreamToNoSessionOrSomeoneElsesIsRefusedWithAnErrorEvent()
    {
        await using var bob = await _factory.ConnectAsync("bob");
        var bobsSession = await bob.StartAsync();
        await using var client = await _factory.ConnectAsync("alice");

        await client.StartStreamAsync("stream-audio", [null]);
        var missing = await client.WaitForEventAsync("error");
        await client.StartStreamAsync("stream-audio", bobsSession);
        var foreign = await client.WaitForEventAsync("error", e => e.Str("sessionId") == bobsSession);
        var sessionId = await client.StartAsync(); // the connection is still usable

        Assert.Equal("invalid-request", missing.Str("code"));
        Assert.Equal("session-not-found", foreign.Str("code"));
        Assert.False(string.IsNullOrEmpty(sessionId));
        Assert.Null(client.ClosedReason);
    }
}
