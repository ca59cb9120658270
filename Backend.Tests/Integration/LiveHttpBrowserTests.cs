using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Security;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// A live session over HTTP from a browser with nothing but the platform: <c>fetch</c> to start, send audio, commit and
/// end, and an <c>EventSource</c> (which cannot set headers, hence <c>?access_token=</c>) for the events — in Debian's
/// Chromium, against the service on a loopback socket with the real providers, under the page's Content-Security-Policy.
/// </summary>
public sealed class LiveHttpBrowserTests : IAsyncLifetime
{
    private readonly RoleplayHubFactory _factory = new();
    private FakeMicrophoneBrowser _browser = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _url = _factory.StartOnLoopback();
        _browser = await FakeMicrophoneBrowser.LaunchAsync(FakeMicrophoneBrowser.MicrophoneFile(TestAudio.IllDisposed, TimeSpan.FromSeconds(1), _factory.DataDirectory));
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task ABrowserTalksToThePersonaWithFetchAndEventSource()
    {
        var page = await _browser.NewPageAsync();
        await CspViolations.RecordAsync(page);
        await page.GotoAsync(_url + "/");
        var audio = Convert.ToBase64String(TestAudio.IllDisposed.Pcm16());

        var result = await page.EvaluateAsync<JsonElement>(Script, new { token = _factory.Token("carol"), audio, scenario = HubTestKit.Scenario });

        Assert.True(result.Str("failure") is null, $"{result.Str("failure")}\n{_browser.ConsoleLog}");
        Assert.Equal(201, result.Int("startStatus"));
        Assert.StartsWith("Hello, I'm Linda Park", result.Str("opening"));
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, result.Str("transcript")!) <= 0.5, result.Str("transcript"));
        Assert.False(string.IsNullOrWhiteSpace(result.Str("reply")));
        Assert.Equal(200, result.Int("speechStatus"));
        Assert.Equal("client", result.Str("endedReason"));
        Assert.True(result.Bool("idsAreSeqs"), "every numbered event's lastEventId is its seq");
        Assert.Equal(0, result.Int("errors"));
        Assert.Equal("", await CspViolations.ReadAsync(page));
    }

    /// <summary>The client a page (or a mini-program's web view) would write: no library, only fetch and EventSource.</summary>
    private const string Script = """
        async ({ token, audio, scenario }) => {
          const base = '/api/live-sessions';
          const auth = { Authorization: `Bearer ${token}` };
          const seen = [];
          let source;
          const waitFor = (name, match) => new Promise((resolve, reject) => {
            const deadline = Date.now() + 60000;
            const look = () => {
              const found = seen.find(e => e.name === name && match(e.data));
              if (found) return resolve(found.data);
              if (Date.now() > deadline) return reject(new Error(`no ${name}; saw ${seen.map(e => e.name).join(', ')}`));
              setTimeout(look, 50);
            };
            look();
          });
          try {
            const start = await fetch(base, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ scenarioId: scenario }) });
            const started = await start.json();
            const id = encodeURIComponent(started.sessionId);
            source = new EventSource(`${base}/${id}/events?access_token=${encodeURIComponent(token)}`);
            for (const name of ['session-started', 'transcription', 'ai-response-delta', 'ai-response', 'avatar-response', 'error', 'session-ended']) {
              source.addEventListener(name, m => seen.push({ name, lastEventId: m.lastEventId, data: JSON.parse(m.data) }));
            }
            const opening = await waitFor('ai-response', d => d.turn === 0);
            await waitFor('avatar-response', d => d.turn === 0 && d.isLast);

            const bytes = Uint8Array.from(atob(audio), c => c.charCodeAt(0));
            for (let offset = 0; offset < bytes.length; offset += 8000) {
              const chunk = bytes.subarray(offset, Math.min(offset + 8000, bytes.length));
              const sent = await fetch(`${base}/${id}/audio`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/octet-stream', 'X-Audio-Offset': String(offset) }, body: chunk });
              if (!sent.ok) throw new Error(`audio at ${offset}: ${sent.status} ${await sent.text()}`);
            }
            await fetch(`${base}/${id}/commit`, { method: 'POST', headers: auth });
            const transcript = await waitFor('transcription', d => d.turn === 1 && d.isFinal);
            const reply = await waitFor('ai-response', d => d.turn === 1);
            const speech = await waitFor('avatar-response', d => d.turn === 1 && d.isLast);
            const speechStatus = (await fetch(speech.audioUrl)).status;

            await fetch(`${base}/${id}`, { method: 'DELETE', headers: auth });
            const ended = await waitFor('session-ended', () => true);
            source.close();
            const numbered = seen.filter(e => e.data.seq > 0);
            return {
              startStatus: start.status, opening: opening.text, transcript: transcript.text, reply: reply.text, speechStatus,
              endedReason: ended.reason, idsAreSeqs: numbered.length > 0 && numbered.every(e => e.lastEventId === String(e.data.seq)),
              errors: seen.filter(e => e.name === 'error').length,
            };
          } catch (e) {
            source?.close();
            return { failure: String(e) };
          }
        }
        """;
}
