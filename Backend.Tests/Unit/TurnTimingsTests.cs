using System.Text.Json;
using RoleplayHub.Core;

namespace RoleplayHub.Tests.Unit;

/// <summary>A turn's timings are a value of nine times, each one null until it happens.</summary>
public sealed class TurnTimingsTests
{
    [Fact]
    public void EveryTimeReadsBackAsItWasGivenAndWhatWasNotGivenIsNull()
    {
        var timings = new TurnTimings(0, 1, -3, null, 250, 1_800, transcriptMs: 301, firstAudioMs: int.MaxValue - 1);

        Assert.Equal(
            new int?[] { 0, 1, -3, null, 250, 1_800, 301, null, int.MaxValue - 1 },
            [timings.QueueMs, timings.SttMs, timings.AiMs, timings.TtsMs, timings.StoreMs, timings.TotalMs, timings.TranscriptMs, timings.FirstTokenMs, timings.FirstAudioMs]);
    }

    [Fact]
    public void TheDefaultValueIsNoneWithEveryTimeNull()
    {
        var none = TurnTimings.None;

        Assert.Equal(default, none);
        Assert.Null(none.QueueMs);
        Assert.Null(none.TotalMs);
        Assert.Null(none.FirstAudioMs);
        Assert.NotEqual(new TurnTimings(0, null, null, null, null, null), none); // zero milliseconds is a time, not nothing
    }

    [Fact]
    public void ItIsWrittenAsAnObjectOfItsTimesWithNullsForWhatHasNotHappened()
    {
        var json = JsonSerializer.Serialize(new TurnTimings(12, 300, null, null, null, 312, transcriptMs: 305), new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.Equal(
            """{"queueMs":12,"sttMs":300,"aiMs":null,"ttsMs":null,"storeMs":null,"totalMs":312,"transcriptMs":305,"firstTokenMs":null,"firstAudioMs":null}""",
            json);
    }
}
