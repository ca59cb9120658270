using Microsoft.Playwright;
using RoleplayHub.Audio;
using RoleplayHub.Core;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium driven by Microsoft.Playwright, with a fake microphone that plays a WAV file in a loop
/// (<c>--use-file-for-fake-audio-capture</c>) and a fresh profile per browser; every page of it hears the same
/// microphone. No Playwright browser is downloaded: the tests need <c>/usr/bin/chromium</c>, which
/// <c>scripts/setup.sh test</c> installs.
/// </summary>
public sealed class FakeMicrophoneBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Screenshots land here (git-ignored): the browser tests' artefacts.</summary>
    public static string ScreenshotFolder => Path.Combine(Repository.Root, "Backend.Tests", "artifacts", "screenshots");

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly DirectoryInfo _profile;
    private readonly List<string> _console = [];

    private FakeMicrophoneBrowser(IPlaywright playwright, IBrowserContext context, DirectoryInfo profile)
    {
        _playwright = playwright;
        _context = context;
        _profile = profile;
    }

    /// <summary>What the page logged (console messages and uncaught errors), for failure messages.</summary>
    public string ConsoleLog
    {
        get
        {
            lock (_console)
            {
                return string.Join('\n', _console);
            }
        }
    }

    public static async Task<FakeMicrophoneBrowser> LaunchAsync(string microphoneWav)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed ({ChromiumPath} is missing): the browser tests need Debian's chromium package. Run scripts/setup.sh test (or apt-get install chromium).");
        }

        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("roleplayhub-chromium-");
        try
        {
            // A persistent context is how Playwright takes a fresh profile folder (it refuses --user-data-dir in Args).
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                ViewportSize = new() { Width = 1100, Height = 900 },
                Args =
                [
                    "--no-sandbox", // tests run as root, where Chromium's sandbox cannot start
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--use-fake-ui-for-media-stream", // grant the microphone without a prompt
                    "--use-fake-device-for-media-stream",
                    $"--use-file-for-fake-audio-capture={microphoneWav}",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            });
            return new FakeMicrophoneBrowser(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>A WAV for the fake microphone: <paramref name="lead"/> of silence (none by default), the clip, then
    /// <paramref name="silence"/> of silence. Chromium loops the file, so the silences are the gap between repetitions —
    /// long enough for the page to see an utterance end.</summary>
    public static string MicrophoneFile(TestAudio.Clip clip, TimeSpan silence, string folder, TimeSpan lead = default)
    {
        var speech = clip.Samples();
        var leading = (int)(AudioFormat.NormalizedSampleRate * lead.TotalSeconds);
        var samples = new short[leading + speech.Length + (int)(AudioFormat.NormalizedSampleRate * silence.TotalSeconds)];
        speech.CopyTo(samples, leading);
        var path = Path.Combine(folder, "microphone.wav");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, WavFile.Create(samples, AudioFormat.NormalizedSampleRate));
        return path;
    }

    /// <summary>A new tab whose console messages and uncaught errors go to <see cref="ConsoleLog"/>.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await _context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        page.Console += (_, message) => Log($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Log($"page error: {error}");
        return page;
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        _playwright.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Log(string line)
    {
        lock (_console)
        {
            _console.Add(line);
        }
    }
}
