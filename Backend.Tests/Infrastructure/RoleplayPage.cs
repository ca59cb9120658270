using Microsoft.Playwright;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// The roleplay page (<c>wwwroot/index.html</c>) in a tab of a <see cref="FakeMicrophoneBrowser"/>, driven as a trainee
/// drives it. A wait that times out fails with what the page knew (its <c>window.roleplay</c>), its alerts, a
/// screenshot and the browser's log.
/// </summary>
public sealed class RoleplayPage(IPage page, FakeMicrophoneBrowser browser, string screenshotPrefix = "")
{
    public IPage Page => page;

    /// <summary>Opens <paramref name="baseUrl"/> with <paramref name="query"/> (e.g. <c>?transport=websockets&amp;scenario=…</c>),
    /// signs in with a development token, picks the way of talking and the capture, and starts a session.</summary>
    public async Task StartSessionAsync(string baseUrl, string query, string userId, string mode, string capture)
    {
        await page.GotoAsync($"{baseUrl}/{query}");
        await page.FillAsync("#user-id", userId);
        await page.ClickAsync("text=Sign in (dev)");
        await page.WaitForSelectorAsync("#setup:not([hidden])");
        await page.CheckAsync($"input[name=mode][value={mode}]");
        await page.SelectOptionAsync("#capture", capture);
        await page.ClickAsync("#start");
        await WaitForAsync("() => roleplay.sessionId !== null", "the session to start");
    }

    /// <summary>The fake microphone loops the recording, so the test listens with the page's voice detector: it
    /// presses in a quiet moment (a press just as speech resumes still keeps the first syllable: the page records from
    /// 300 ms before the press), holds through one whole repetition, and lets go in the next gap.</summary>
    public async Task HoldToTalkDuringOneRepetitionAsync(Func<Task> press, Func<Task> release, Func<Task>? whileSpeaking = null)
    {
        await WaitForAsync("() => roleplay.voiceArmed && !roleplay.voiceActive", "a gap in the recording");
        await press();
        await WaitForAsync("() => roleplay.state === 'listening'", "the page to listen");
        await WaitForAsync("() => roleplay.voiceActive", "the recording to start again");
        if (whileSpeaking is not null)
        {
            await whileSpeaking();
        }

        await WaitForAsync("() => !roleplay.voiceActive", "the recording to end");
        await release();
    }

    /// <summary>Push-to-talk with the space key for one repetition of the recording.</summary>
    public Task SayOneRepetitionAsync() =>
        HoldToTalkDuringOneRepetitionAsync(() => page.Keyboard.DownAsync("Space"), () => page.Keyboard.UpAsync("Space"));

    /// <summary>Waits until the JavaScript <paramref name="condition"/> holds (the page's default timeout, 30 s, unless
    /// <paramref name="timeout"/> says otherwise).</summary>
    public async Task WaitForAsync(string condition, string what, TimeSpan? timeout = null)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new() { PollingInterval = 50, Timeout = (float?)timeout?.TotalMilliseconds });
        }
        catch (TimeoutException ex)
        {
            var state = await page.EvaluateAsync<string>("""
                JSON.stringify(window.roleplay
                  ? { state: roleplay.state, transport: roleplay.transport, engine: roleplay.engine, turns: roleplay.turns, played: roleplay.played,
                      interruptions: roleplay.interruptions, errors: roleplay.errors, reconnects: roleplay.reconnects, moves: roleplay.moves }
                  : { admin: window.admin }) + ' alerts: ' + [...document.querySelectorAll('[role=alert]')].map(e => e.textContent).join(' | ')
                """);
            await FakeMicrophoneBrowser.ScreenshotAsync(page, "failed-" + screenshotPrefix + what.Replace(' ', '-'));
            throw new TimeoutException($"Timed out waiting for {what}. Page: {state}\nBrowser log:\n{browser.ConsoleLog}", ex);
        }
    }
}
