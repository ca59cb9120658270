// RoleplayHub benchmarks. `dotnet run -c Release --project bench/RoleplayHub.Bench -- <command> [options]`
//   speech   offline speech stack on the pocketsphinx-testdata clips: WER, real-time factors, decoder cost, TTS, resampling
// Results are printed as Markdown tables (docs/benchmarks.md holds the published runs).
using RoleplayHub.Bench;

return args.FirstOrDefault() switch
{
    "speech" => await SpeechBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: RoleplayHub.Bench speech [--repeat N]");
    return 2;
}
