using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RoleplayHub.Health;

namespace RoleplayHub.Providers.Stt.PocketSphinx;

/// <summary>
/// Offline English recognition with PocketSphinx, in process. Each speaking session has its own decoder (decoders are
/// not thread-safe and keep state between utterances), created on the session's worker; a quiet session lends it back
/// when another needs one (<see cref="DecoderSlots"/>). Decoding is CPU-bound, so it runs on
/// <see cref="PocketSphinxOptions.MaxParallelDecodes"/> dedicated threads, never on the thread pool that carries the
/// connections.
/// </summary>
public sealed class PocketSphinxSpeechToText : ISpeechToText, IHealthCheck, IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly ILogger<PocketSphinxSpeechToText> _logger;

    public PocketSphinxSpeechToText(IOptions<PocketSphinxOptions> options, TimeProvider time, ILogger<PocketSphinxSpeechToText> logger)
    {
        _options = options.Value;
        _logger = logger;
        Time = time;
        Slots = new DecoderSlots(_options, time);
        var parallel = _options.MaxParallelDecodes > 0 ? _options.MaxParallelDecodes : Environment.ProcessorCount;
        Workers = new DedicatedWorkers(ProviderNames.PocketSphinx, parallel);
    }

    public string Name => ProviderNames.PocketSphinx;

    public IReadOnlyCollection<string> Languages { get; } = ["en-US"];

    // The en-US acoustic model is wideband (16 kHz): upsampled telephone-band audio lacks the bands it listens to.
    public int NarrowestUsefulSampleRate => 16_000;

    public int ActiveDecoders => Slots.Count;

    public int MaxDecoders => _options.MaxDecoders;

    internal DedicatedWorkers Workers { get; }

    internal PocketSphinxOptions Options => _options;

    internal ILogger Logger => _logger;

    internal TimeProvider Time { get; }

    internal DecoderSlots Slots { get; }

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request)
    {
        var recognizer = new PocketSphinxRecognizer(this, request);
        return Slots.TryTake(recognizer) ? recognizer : throw Busy();
    }

    internal SpeechCapacityException Busy() => new(
        $"All {_options.MaxDecoders} PocketSphinx decoders are in use by sessions that spoke in the last {_options.IdleRelease.TotalSeconds:0} s " +
        $"(or {_options.MaxDecodersPerUser} by yours); try again shortly.");

    Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Readiness.From(CheckReady()));

    /// <summary>Readiness: the native library loads and the model files exist.</summary>
    public string? CheckReady()
    {
        foreach (var path in new[] { _options.Path(_options.AcousticModel), _options.Path(_options.LanguageModel), _options.Path(_options.Dictionary) })
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return $"PocketSphinx model file {path} is missing (apt-get install pocketsphinx-en-us).";
            }
        }

        try
        {
            PocketSphinxNative.SilenceLogging();
            return PocketSphinxNative.ps_args() == IntPtr.Zero ? "libpocketsphinx returned no argument table." : null;
        }
        catch (DllNotFoundException ex)
        {
            return $"libpocketsphinx.so.3 cannot be loaded (apt-get install libpocketsphinx3): {ex.Message}";
        }
    }

    public void Dispose() => Workers.Dispose();
}
