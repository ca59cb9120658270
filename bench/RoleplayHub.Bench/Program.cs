// RoleplayHub benchmarks. `dotnet run -c Release --project bench/RoleplayHub.Bench -- <command> [options]`
//   speech   offline speech stack on the pocketsphinx-testdata clips: WER, real-time factors, decoder cost, TTS, resampling
//   load     N simulated trainees streaming over SignalR at real-time pace (see bench/README.md for the options)
//   resample our polyphase resampler vs NAudio's WDL resampler: CPU and allocation per audio second, tone sweep
//   recorder the cost of recording one utterance: the NAudio WaveFileWriter recorder vs the previous one
//   finals   PocketSphinx's last partial against its final hypothesis, per decoder setting: WER and finalisation time
//   vad      the voice detectors (energy, Silero) on the test clips padded with silence: accuracy, CPU and allocation
//   latency  N trainees talking hands-free through the test clips: end of speech → first avatar-response, per turn
//   soak-plot the soak run's heap, RSS, thread-pool queue and GC curves as a PNG, and their growth after warm-up
//   crash    the service killed with SIGKILL under load and restarted, N times: the history against what trainees saw
//   cards    a young collection's pause against the old objects written with young references since the last one
//   floor-server the floor under the audio socket's workload: bare Kestrel acknowledging each chunk (bench/run.sh floor)
//   node-loss N trainees through a cluster's load balancer, one node SIGKILLed midway: sessions resumed elsewhere (bench/node-loss.sh)
// Results are printed as Markdown tables (docs/benchmarks.md holds the published runs).
using RoleplayHub.Bench;

return args.FirstOrDefault() switch
{
    "speech" => await SpeechBenchmark.RunAsync(args[1..]),
    "resample" => RoleplayHub.Bench.Resampling.ResampleBenchmark.Run(args[1..]),
    "recorder" => await RoleplayHub.Bench.Recording.RecorderBenchmark.RunAsync(args[1..]),
    "vad" => await RoleplayHub.Bench.Vad.VadBenchmark.RunAsync(args[1..]),
    "finals" => RoleplayHub.Bench.Speech.FinalsBenchmark.Run(args[1..]),
    "latency" => await RoleplayHub.Bench.Latency.LatencyRun.RunAsync(args[1..]),
    "soak-plot" => RoleplayHub.Bench.Soak.SoakPlot.Run(args[1..]),
    "crash" => await RoleplayHub.Bench.Crash.CrashTrials.RunAsync(args[1..]),
    "node-loss" => await RoleplayHub.Bench.NodeLoss.NodeLossRun.RunAsync(args[1..]),
    "cards" => RoleplayHub.Bench.Gc.CardCost.Run(args[1..]),
    "floor-server" => await RoleplayHub.Bench.Floor.FloorServer.RunAsync(args[1..]),
    "load" => await new RoleplayHub.Bench.Load.LoadRun(RoleplayHub.Bench.Load.LoadOptions.Parse(args[1..])).RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: RoleplayHub.Bench speech [--repeat N] | resample [--rounds N] | recorder [--rounds N] | vad [--rounds N] | finals [--rounds N] | latency --url URL --sessions N --duration S --mode after|before [--server-pid PID] ... | cards [--holders N] [--written N,N,...] [--survivors] | crash [--trials N] [--sessions N] [--providers latency-model|offline] ... | node-loss [--url URL] [--sessions N] [--turns N] [--kill-after S] [--kill-command CMD] | load --url URL --sessions N --duration S --ramp S [--chunk-mode invoke|send|stream] [--server-pid PID] ...");
    return 2;
}
