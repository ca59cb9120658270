using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// The client our users' web frontends use, <c>@microsoft/signalr</c>, run from Node against the service on a real
/// socket with the real providers: one full turn over each SignalR transport, and over MessagePack (audio as bytes)
/// on the two transports that carry binary.
/// </summary>
public sealed class OfficialJsClientTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("WebSockets", "json")]
    [InlineData("ServerSentEvents", "json")]
    [InlineData("LongPolling", "json")]
    [InlineData("WebSockets", "messagepack")]
    [InlineData("LongPolling", "messagepack")]
    public async Task TheOfficialClientCompletesATurn(string transport, string protocol)
    {
        var url = _factory.StartOnLoopback();
        var audio = Path.Combine(_factory.DataDirectory, "clip.raw");
        await File.WriteAllBytesAsync(audio, TestAudio.IllDisposed.Pcm16());

        var (exit, stdout, stderr) = await NodeRunner.RunAsync("happy-path.mjs",
            ["--url", url, "--token", _factory.Token("js-user"), "--audio", audio, "--transport", transport, "--protocol", protocol], TimeSpan.FromSeconds(90));

        Assert.True(exit == 0, $"node exited with {exit}: {stderr}{stdout}");
        var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(transport, summary.GetProperty("transport").GetString());
        Assert.Equal(protocol, summary.GetProperty("protocol").GetString());
        Assert.Equal(12, summary.GetProperty("chunks").GetInt32());
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, summary.GetProperty("transcript").GetString()!) <= 0.5, stdout);
        Assert.Equal("audio/wav", summary.GetProperty("avatar").GetProperty("contentType").GetString());
        Assert.True(summary.GetProperty("avatar").GetProperty("bytes").GetInt32() > 1_000);
        Assert.Equal("client", summary.GetProperty("ended").GetString());
    }
}
