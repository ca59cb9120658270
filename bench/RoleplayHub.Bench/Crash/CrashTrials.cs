using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RoleplayHub.Auth;

namespace RoleplayHub.Bench.Crash;

/// <summary>
/// Crash trials (docs/benchmarks.md, "Crash trials"): the service runs under load and is killed with SIGKILL at a
/// random moment; it is restarted on the same data, and the history is held to what the trainees saw: every turn a
/// trainee saw completed (its last <c>avatar-response</c>) is there with its recording and every spoken segment; a
/// session open at the kill is ended <c>error</c>; no pending record is left; a trainee resuming is told its session
/// ended. Not a test: it takes minutes and kills processes.
/// </summary>
internal static class CrashTrials
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = CrashOptions.Parse(args);
        var data = Directory.CreateTempSubdirectory("roleplayhub-crash-").FullName;
        var tokens = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new AuthOptions
        {
            SigningKey = o.JwtSecret, Issuer = "roleplayhub", Audience = "roleplayhub",
        }), TimeProvider.System);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("crash-admin", ["admin"], TimeSpan.FromHours(12)).Token);
        var chunks = Utterance();
        var random = new Random(o.Seed);
        var url = $"http://127.0.0.1:{o.Port}";
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        var term = o.Signal == "term";
        Say($"{(term ? "Shutdown" : "Crash")} trials: {o.Trials} × {(term ? "SIGTERM" : "SIGKILL")}, {o.Sessions} trainees each, {o.Providers} providers, signal {o.KillAfterMin.TotalSeconds:0}–{o.KillAfterMax.TotalSeconds:0} s after they start; data {data}");
        Say("");
        Say($"| trial | signalled at | turns seen completed | lost | audio missing | open sessions not ended `{(term ? "shutdown" : "error")}` | pending files | resumes not told `session-ended` | client failures |{(term ? " not told `shutdown` | in-flight turns cut | SIGTERM → exit |" : "")}");
        Say($"|---|---|---|---|---|---|---|---|---|{(term ? "---|---|---|" : "")}");
        var total = new TrialResult();
        for (var trial = 1; trial <= o.Trials; trial++)
        {
            long exitMs = 0;
            var killAfter = o.KillAfterMin + ((o.KillAfterMax - o.KillAfterMin) * random.NextDouble());
            var trainees = Enumerable.Range(0, o.Sessions)
                .Select(i => new CrashTrainee(url, $"crash-{trial}-{i}-{Guid.NewGuid():N}"[..40], $"trainee{i}", tokens.Issue($"trainee{i}", [], TimeSpan.FromHours(12)).Token, chunks))
                .ToList();
            using (var service = await ServiceProcess.StartAsync(o, data, http))
            {
                using var stop = new CancellationTokenSource();
                var running = trainees.Select(t => t.RunAsync(stop.Token)).ToList();
                await Task.Delay(killAfter);
                if (term)
                {
                    var signalled = System.Diagnostics.Stopwatch.StartNew();
                    await service.StopAsync();
                    exitMs = signalled.ElapsedMilliseconds;
                }
                else
                {
                    service.Kill();
                }

                stop.CancelAfter(TimeSpan.FromSeconds(10));
                await Task.WhenAll(running);
            }

            using (var restarted = await ServiceProcess.StartAsync(o, data, http))
            {
                var result = await CheckAsync(url, data, http, trainees);
                if (term)
                {
                    result = result with
                    {
                        NotToldShutdown = trainees.Count(t => t.Started && t.EndedWith != "shutdown"),
                        InFlightCut = trainees.Count(t => t.EndedAwaitingReply),
                        ExitMs = exitMs,
                    };
                }

                total = total.Add(result);
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"| {trial} | {killAfter.TotalSeconds:0.0} s | {result.Seen} | {result.Lost} | {result.AudioMissing} | {result.NotEndedError} | {result.Pending} | {result.UnclearResumes} | {result.ClientFailures} |{(term ? $" {result.NotToldShutdown} | {result.InFlightCut} | {exitMs} ms |" : "")}"));
                foreach (var problem in result.Problems.Take(5))
                {
                    Console.Error.WriteLine("  " + problem);
                }

                await restarted.StopAsync();
            }
        }

        Say(string.Create(CultureInfo.InvariantCulture,
            $"| **all** | | **{total.Seen}** | **{total.Lost}** | **{total.AudioMissing}** | **{total.NotEndedError}** | **{total.Pending}** | **{total.UnclearResumes}** | **{total.ClientFailures}** |{(term ? $" **{total.NotToldShutdown}** | **{total.InFlightCut}** | max **{total.ExitMs} ms** |" : "")}"));
        if (o.Out is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        return total.Lost + total.AudioMissing + total.NotEndedError + total.Pending + total.UnclearResumes + total.NotToldShutdown + total.InFlightCut == 0 ? 0 : 1;
    }

    private static async Task<TrialResult> CheckAsync(string url, string data, HttpClient http, IReadOnlyList<CrashTrainee> trainees)
    {
        var result = new TrialResult();
        foreach (var trainee in trainees.Where(t => t.Started))
        {
            result = result with { Seen = result.Seen + trainee.CompletedTurns.Count, ClientFailures = result.ClientFailures + (trainee.Failure is null ? 0 : 1) };
            if (trainee.Failure is { } failure)
            {
                result = result.Problem($"{trainee.SessionId}: the trainee failed: {failure}");
            }

            var answer = await trainee.ResumeAsync();
            if (answer != "session-ended")
            {
                result = result.Problem($"{trainee.SessionId}: a resume was answered '{answer}'") with { UnclearResumes = result.UnclearResumes + 1 };
            }

            var session = await EndedSessionAsync(url, http, trainee.SessionId);
            if (session is not { } s)
            {
                result = result.Problem($"{trainee.SessionId}: not in the history") with { Lost = result.Lost + trainee.CompletedTurns.Count };
                continue;
            }

            var expected = trainee.EndedWith ?? "error";
            if (s.GetProperty("status").GetString() != "ended" || s.GetProperty("endReason").GetString() != expected)
            {
                result = result.Problem($"{trainee.SessionId}: {s.GetProperty("status")} / {s.GetProperty("endReason")}, expected ended / {expected}") with { NotEndedError = result.NotEndedError + 1 };
            }

            var detail = await http.GetFromJsonAsync<JsonElement>($"{url}/api/admin/history/sessions/{s.GetProperty("id").GetString()}");
            var turns = detail.GetProperty("turns").EnumerateArray().ToDictionary(t => t.GetProperty("turn").GetInt32());
            foreach (var turn in trainee.CompletedTurns)
            {
                if (!turns.TryGetValue(turn, out var stored) || stored.GetProperty("aiText").ValueKind != JsonValueKind.String)
                {
                    result = result.Problem($"{trainee.SessionId}: turn {turn} was seen completed but is not in the history") with { Lost = result.Lost + 1 };
                    continue;
                }

                var audio = new List<string?> { stored.GetProperty("userAudioUrl").GetString() };
                audio.AddRange(stored.GetProperty("avatarSegments").EnumerateArray().Select(a => a.GetProperty("audioUrl").GetString()));
                var missing = 0;
                foreach (var link in audio)
                {
                    if (link is null || !(await http.GetAsync(link)).IsSuccessStatusCode)
                    {
                        missing++;
                    }
                }

                if (missing > 0 || audio.Count < 2)
                {
                    result = result.Problem($"{trainee.SessionId}: turn {turn} misses {Math.Max(missing, 2 - audio.Count + missing)} audio file(s)") with { AudioMissing = result.AudioMissing + 1 };
                }
            }
        }

        var pendingFolder = Path.Combine(data, "history");
        var pending = Directory.Exists(pendingFolder) ? Directory.GetFiles(pendingFolder, "pending-*.jsonl").Length : 0;
        return result with { Pending = pending };
    }

    /// <summary>The history's session, once start-up recovery has ended it (15 s at most); null when it is not there.</summary>
    private static async Task<JsonElement?> EndedSessionAsync(string url, HttpClient http, string sessionId)
    {
        JsonElement? last = null;
        for (var waited = 0; waited < 15_000; waited += 200)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"{url}/api/admin/history/sessions?sessionId={Uri.EscapeDataString(sessionId)}");
            var items = page.GetProperty("items");
            last = items.GetArrayLength() == 1 ? items[0] : null;
            if (last is { } s && s.GetProperty("status").GetString() == "ended")
            {
                return s;
            }

            await Task.Delay(200);
        }

        return last;
    }

    /// <summary>"he was not an ill disposed young man" (librivox, pocketsphinx-testdata) and 0.4 s of silence, in
    /// 250 ms chunks: recognisable by the offline stack, and as long as any utterance to the modelled one.</summary>
    private static List<byte[]> Utterance()
    {
        var (_, samples) = Audio.WavFile.ReadPcm16("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav");
        var bytes = new byte[(samples.Length + 6_400) * 2];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).CopyTo(bytes);
        return [.. bytes.Chunk(8_000)];
    }

    private sealed record TrialResult(int Seen = 0, int Lost = 0, int AudioMissing = 0, int NotEndedError = 0, int Pending = 0, int UnclearResumes = 0, int ClientFailures = 0,
        int NotToldShutdown = 0, int InFlightCut = 0, long ExitMs = 0)
    {
        public List<string> Problems { get; init; } = [];

        public TrialResult Problem(string problem) => this with { Problems = [.. Problems, problem] };

        public TrialResult Add(TrialResult r) => new(Seen + r.Seen, Lost + r.Lost, AudioMissing + r.AudioMissing, NotEndedError + r.NotEndedError,
            Pending + r.Pending, UnclearResumes + r.UnclearResumes, ClientFailures + r.ClientFailures,
            NotToldShutdown + r.NotToldShutdown, InFlightCut + r.InFlightCut, Math.Max(ExitMs, r.ExitMs));
    }
}
