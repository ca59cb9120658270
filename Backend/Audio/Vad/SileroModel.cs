using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace RoleplayHub.Audio.Vad;

/// <summary>
/// The process's one Silero VAD v5 model: a single ONNX Runtime session that every <see cref="SileroVoiceDetector"/>
/// runs (a session may be run from many threads at once; each detector keeps its own state). Loaded on first use, on
/// one thread, sequentially — a window is too small to gain from more threads, and the cores belong to the sessions.
/// A missing or unloadable model is not an error here: <see cref="Unavailable"/> says what is wrong and how to fix it.
/// </summary>
public sealed class SileroModel : IDisposable
{
    internal const int SampleRate = 16_000;

    /// <summary>Samples of the previous window the model sees before each window (Silero v5 at 16 kHz).</summary>
    internal const int ContextSamples = 64;

    /// <summary>The recurrent state: [2, 1, 128] floats.</summary>
    internal static readonly long[] StateShape = [2, 1, 128];

    internal const string Input = "input";
    internal const string State = "state";
    internal const string SampleRateInput = "sr";
    internal const string Output = "output";
    internal const string StateOutput = "stateN";

    private readonly Lazy<(InferenceSession? Session, string? Problem)> _load;

    public SileroModel(IOptions<VadOptions> options)
        : this(options.Value.SileroModelPath)
    {
    }

    public SileroModel(string path)
    {
        Path = path;
        _load = new Lazy<(InferenceSession?, string?)>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Path { get; }

    /// <summary>Null once the model is loaded; otherwise why it cannot be (loading it if that has not been tried).</summary>
    public string? Unavailable => _load.Value.Problem;

    internal InferenceSession Session => _load.Value.Session ?? throw new InvalidOperationException(Unavailable);

    public void Dispose()
    {
        if (_load.IsValueCreated)
        {
            _load.Value.Session?.Dispose();
        }
    }

    private (InferenceSession?, string?) Load()
    {
        if (!File.Exists(Path))
        {
            return (null, $"the Silero VAD model is not installed ({Path} is missing): run scripts/setup.sh runtime, or set Vad:SileroModel.");
        }

        InferenceSession? session = null;
        try
        {
            using var options = new OrtSessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            session = new InferenceSession(Path, options);
            if (Mismatch(session) is { } mismatch)
            {
                session.Dispose();
                return (null, $"{Path} is not a Silero VAD v5 model: {mismatch}. Delete it and run scripts/setup.sh runtime.");
            }

            return (session, null);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            session?.Dispose();
            return (null, $"the Silero VAD model {Path} could not be loaded: {ex.Message}");
        }
    }

    /// <summary>What differs from the v5 signature the detector binds to, or null.</summary>
    private static string? Mismatch(InferenceSession session)
    {
        static string? Expect(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, TensorElementType type) =>
            nodes.TryGetValue(name, out var node) && node.IsTensor && node.ElementDataType == type ? null : $"no {type} tensor '{name}'";

        return Expect(session.InputMetadata, Input, TensorElementType.Float)
            ?? Expect(session.InputMetadata, State, TensorElementType.Float)
            ?? Expect(session.InputMetadata, SampleRateInput, TensorElementType.Int64)
            ?? Expect(session.OutputMetadata, Output, TensorElementType.Float)
            ?? Expect(session.OutputMetadata, StateOutput, TensorElementType.Float);
    }
}
