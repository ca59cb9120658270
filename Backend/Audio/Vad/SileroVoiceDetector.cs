using Microsoft.ML.OnnxRuntime;

namespace RoleplayHub.Audio.Vad;

/// <summary>
/// Silero VAD v5 for one session: each 512-sample window goes to the shared model with the 64 samples before it and the
/// recurrent state the previous window left, and the model's speech probability comes back.
/// <para>Invariant: nothing is allocated per window. The input, state and output buffers are made once, wrapped once as
/// ONNX Runtime values that point into them, and bound once (an <see cref="OrtIoBinding"/>): a window only writes
/// samples into the input buffer, runs the binding, and copies the new state over the old.</para>
/// </summary>
public sealed class SileroVoiceDetector : IVoiceDetector
{
    private const int Window = IVoiceDetector.WindowSamples;
    private const int Context = SileroModel.ContextSamples;

    private readonly InferenceSession _session;

    // [context | window], scaled to ±1 as the model was trained.
    private readonly float[] _input = new float[Context + Window];
    private readonly float[] _state = new float[2 * 1 * 128];
    private readonly float[] _nextState = new float[2 * 1 * 128];
    private readonly float[] _probability = new float[1];
    private readonly long[] _sampleRate = [SileroModel.SampleRate];

    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _run = new();

    public SileroVoiceDetector(SileroModel model)
    {
        _session = model.Session;
        var input = OrtValue.CreateTensorValueFromMemory(_input, [1, Context + Window]);
        var state = OrtValue.CreateTensorValueFromMemory(_state, SileroModel.StateShape);
        var sampleRate = OrtValue.CreateTensorValueFromMemory(_sampleRate, []); // a scalar
        var probability = OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]);
        var nextState = OrtValue.CreateTensorValueFromMemory(_nextState, SileroModel.StateShape);
        _values = [input, state, sampleRate, probability, nextState];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(SileroModel.Input, input);
        _binding.BindInput(SileroModel.State, state);
        _binding.BindInput(SileroModel.SampleRateInput, sampleRate);
        _binding.BindOutput(SileroModel.Output, probability);
        _binding.BindOutput(SileroModel.StateOutput, nextState);
    }

    public float SpeechProbability(ReadOnlySpan<short> window)
    {
        if (window.Length != Window)
        {
            throw new ArgumentException($"A window is {Window} samples, not {window.Length}.", nameof(window));
        }

        // The last 64 samples of the previous window become this one's context.
        _input.AsSpan(Window, Context).CopyTo(_input);
        var samples = _input.AsSpan(Context);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = window[i] * (1f / 32768f);
        }

        _session.RunWithBinding(_run, _binding);
        _nextState.AsSpan().CopyTo(_state);
        return _probability[0];
    }

    public void Reset()
    {
        Array.Clear(_input);
        Array.Clear(_state);
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _run.Dispose();
    }
}
