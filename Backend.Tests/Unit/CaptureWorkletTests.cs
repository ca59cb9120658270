using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// The web client's capture worklet (Backend/wwwroot/js/pcm16-worklet.js) run by Node with the worklet scope stubbed:
/// 250 ms PCM16 chunks only while recording, the 300 ms pre-roll, flush, level readings, and the resampler browsers
/// without a 16 kHz AudioContext use (48 kHz in: the speech band passes, what would alias is filtered out).
/// </summary>
public sealed class CaptureWorkletTests
{
    [Fact]
    public async Task TheWorkletChunksResamplesAndMeasuresAsThePageExpects()
    {
        var (exit, stdout, stderr) = await NodeRunner.RunAsync("worklet.mjs", [], TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"node exited with {exit}: {stdout}{stderr}");
    }
}
