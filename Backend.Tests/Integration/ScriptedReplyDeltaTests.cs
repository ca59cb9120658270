using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The scripted persona writes a reply's words all at once: the client gets them in a few
/// <c>ai-response-delta</c>s, not a message per word.</summary>
public sealed class ScriptedReplyDeltaTests : IDisposable
{
    // The longest interval: the test asserts what gathering does, not how fast a loaded machine yields the words.
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech().Setting("Ai:DeltaInterval", "00:00:01");

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AScriptedReplyArrivesAsItsFirstWordThenASentenceAtATime()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        var (reply, _) = await client.SayAsync(sessionId, "what is the price", turn: 1, offset: 0);

        var deltas = client.EventsNamed("ai-response-delta").Where(e => e.Int("turn") == 1).ToList();
        var text = reply.Str("text")!;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var sentences = text.Count(c => c is '.' or '?' or '!');
        Assert.Equal(text, string.Concat(deltas.Select(d => d.Str("text"))).Trim());
        Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Int("index")));
        Assert.Equal(text.Split(' ')[0] + " ", deltas[0].Str("text"));
        Assert.InRange(deltas.Count, 2, sentences + 1);
        Assert.True(words > deltas.Count * 2, $"{words} words in {deltas.Count} deltas");
    }
}
