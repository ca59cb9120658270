using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Auth;

namespace RoleplayHub.Bench.NodeLoss;

/// <summary>
/// <c>node-loss</c>: N trainees drilling through the load balancer of a running cluster (scripts/cluster.sh), one node
/// SIGKILLed midway. Reports the sessions the killed node ran, how many resumed on another node and how long that took,
/// and turns lost: a turn a trainee saw completed that the history does not have, or a session whose history is not
/// one record ended by its client (the goal is 0). bench/node-loss.sh brings the cluster up, runs this, and takes it down.
/// </summary>
internal static class NodeLossRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = NodeLossOptions.Parse(args);
        var tokens = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new AuthOptions { SigningKey = o.JwtSecret, Issuer = "roleplayhub", Audience = "roleplayhub" }), TimeProvider.System);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("node-loss-admin", ["admin"], TimeSpan.FromHours(1)).Token);
        var chunks = Utterance();
        var trainees = Enumerable.Range(0, o.Sessions)
            .Select(i => new NodeLossTrainee(o.Url, $"loss-{i}-{Guid.NewGuid():N}"[..32], $"trainee{i}", tokens.Issue($"trainee{i}", [], TimeSpan.FromHours(1)).Token, chunks))
            .ToList();

        Console.WriteLine($"Node loss: {o.Sessions} trainees through {o.Url}, {o.Turns} replies each, `{o.KillCommand}` {o.KillAfter.TotalSeconds:0} s after they start");
        var clock = Stopwatch.StartNew();
        var running = trainees.Select(t => Task.Run(() => t.RunAsync(o.Turns, o.ResumeWithin))).ToList();
        await Task.Delay(o.KillAfter);
        using (var kill = Process.Start("bash", ["-c", o.KillCommand]))
        {
            await kill.WaitForExitAsync();
        }

        await Task.WhenAll(running);
        var elapsed = clock.Elapsed;

        var lostTurns = 0;
        var badRecords = 0;
        var problems = new List<string>();
        foreach (var trainee in trainees)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"{o.Url}/api/admin/history/sessions?sessionId={Uri.EscapeDataString(trainee.SessionId)}");
            var items = page.GetProperty("items");
            if (items.GetArrayLength() != 1 || items[0].GetProperty("status").GetString() != "ended" || items[0].GetProperty("endReason").GetString() != "client")
            {
                badRecords++;
                problems.Add($"{trainee.SessionId}: {items.GetArrayLength()} history record(s), {(items.GetArrayLength() > 0 ? items[0].GetProperty("status") + " / " + items[0].GetProperty("endReason") : "-")}");
                if (items.GetArrayLength() == 0)
                {
                    lostTurns += trainee.CompletedTurns.Count;
                    continue;
                }
            }

            var detail = await http.GetFromJsonAsync<JsonElement>($"{o.Url}/api/admin/history/sessions/{items[0].GetProperty("id").GetString()}");
            var turns = detail.GetProperty("turns").EnumerateArray().Where(t => t.GetProperty("aiText").ValueKind == JsonValueKind.String).Select(t => t.GetProperty("turn").GetInt32()).ToHashSet();
            foreach (var turn in trainee.CompletedTurns.Where(t => !turns.Contains(t)))
            {
                lostTurns++;
                problems.Add($"{trainee.SessionId}: turn {turn} was seen completed but is not in the history");
            }

            if (trainee.Failure is { } failure)
            {
                problems.Add($"{trainee.SessionId}: {failure}");
            }
        }

        var lost = trainees.Where(t => t.Lost).ToList();
        var resumed = lost.Where(t => t.ResumedAs is { Resumed: true }).ToList();
        var times = resumed.Select(t => t.ResumedAfter!.Value.TotalSeconds).Order().ToList();
        Console.WriteLine();
        Console.WriteLine("| sessions | on the killed node | resumed elsewhere | time to resume p50 / max | utterances said again | turns seen completed | turns lost | history not one record ended `client` | client failures | wall time |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {trainees.Count} | {lost.Count} | {resumed.Count} | {(times.Count == 0 ? "-" : $"{times[times.Count / 2]:0.0} s / {times[^1]:0.0} s")} | {lost.Sum(t => t.SaidAgain)} | " +
                          $"{trainees.Sum(t => t.CompletedTurns.Count)} | {lostTurns} | {badRecords} | {trainees.Count(t => t.Failure is not null)} | {elapsed.TotalSeconds:0} s |");
        foreach (var problem in problems.Take(20))
        {
            Console.WriteLine("  - " + problem);
        }

        return lostTurns == 0 && badRecords == 0 && resumed.Count == lost.Count && trainees.All(t => t.Failure is null) ? 0 : 1;
    }

    /// <summary>"he was not an ill disposed young man" (pocketsphinx-testdata) and 0.4 s of silence, in 250 ms chunks,
    /// as the crash trial speaks it.</summary>
    private static List<byte[]> Utterance()
    {
        var (_, samples) = Audio.WavFile.ReadPcm16("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav");
        var bytes = new byte[(samples.Length + 6_400) * 2];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).CopyTo(bytes);
        return [.. bytes.Chunk(8_000)];
    }
}
