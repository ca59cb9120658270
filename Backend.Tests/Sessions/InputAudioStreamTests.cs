using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Sessions;

/// <summary>The input stream's invariant: every byte accepted exactly once, in order, buffered or queued; a chunk
/// it cannot take is refused, never dropped.</summary>
public sealed class InputAudioStreamTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly RoleplaySessionOptions _options = new() { FlushBytes = 8_000, FlushIdle = TimeSpan.FromSeconds(2), MaxQueuedAudio = TimeSpan.FromSeconds(1) };
    private readonly InputAudioStream _stream;

    public InputAudioStreamTests() => _stream = new InputAudioStream(AudioFormat.Default, idleFlush: true, serverVad: false, _options, new AudioBlockPool(), _clock);

    public void Dispose() => _stream.Dispose();

    [Fact]
    public void ResentBytesAreAcknowledgedOnceAndAnOverlapKeepsOnlyItsNewTail()
    {
        var first = _stream.Accept(0, new byte[4_000]);
        var again = _stream.Accept(0, new byte[4_000]);
        var overlap = _stream.Accept(2_000, new byte[4_000]);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal((false, 6_000L), (overlap.Duplicate, overlap.TotalBytes));
        Assert.Equal(6_000, _stream.ReceivedBytes);
    }

    [Fact]
    public void AGapIsRefusedAndNothingIsTaken()
    {
        _stream.Accept(0, new byte[1_000]);

        var gap = _stream.Accept(3_000, new byte[1_000]);

        Assert.Equal(ErrorCodes.AudioGap, gap.Error?.Code);
        Assert.Equal(1_000, _stream.ReceivedBytes);
    }

    [Fact]
    public void AudioIsQueuedInOrderBySizeByCommitAndByIdleSilence()
    {
        _stream.Accept(0, new byte[9_000]);          // over FlushBytes: a size flush
        _stream.Commit();                             // the remaining 1,000 bytes end the utterance
        _stream.Accept(9_000, new byte[2_000]);
        _clock.Advance(TimeSpan.FromSeconds(2));     // quiet for FlushIdle: the utterance ends

        var items = Drain();
        Assert.Equal([(FlushKind.Size, 9_000), (FlushKind.Commit, 0), (FlushKind.Idle, 2_000)], items.Select(i => (i.Kind, i.Segment.Length)));
        Assert.Equal(11_000, items.Sum(i => i.Segment.Length) + _stream.BufferedBytes);
    }

    [Fact]
    public void WhileTheClientIsAwayItsSilenceDoesNotEndTheUtterance()
    {
        _stream.Accept(0, new byte[2_000]);
        _stream.Suspend();

        _clock.Advance(TimeSpan.FromSeconds(10));
        var whileAway = Drain();
        _stream.Resume();
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(whileAway);
        Assert.Equal([FlushKind.Idle], Drain().Select(i => i.Kind));
    }

    [Fact]
    public void MoreUnprocessedAudioThanAllowedIsRefusedNotDropped()
    {
        var taken = _stream.Accept(0, new byte[32_000]); // 1 s of 16 kHz audio: the limit

        var refused = _stream.Accept(32_000, new byte[2]);

        Assert.Null(taken.Error);
        Assert.Equal(ErrorCodes.Backpressure, refused.Error?.Code);
        Assert.Equal(32_000, _stream.ReceivedBytes);
    }

    [Fact]
    public void OnceClosedItRefusesEverythingWithTheReason()
    {
        _stream.Accept(0, new byte[2_000]);

        _stream.Close(ClientError.SessionEnded("s1", "client"));

        Assert.Equal(ErrorCodes.SessionEnded, _stream.Accept(2_000, new byte[2]).Error?.Code);
        Assert.Equal(ErrorCodes.SessionEnded, _stream.Commit()?.Code);
        Assert.Equal(0, _stream.BufferedBytes);
    }

    private List<PipelineItem> Drain()
    {
        var items = new List<PipelineItem>();
        while (_stream.Queue.TryRead(out var item))
        {
            items.Add(item);
            _stream.Processed(item);
        }

        return items;
    }
}
