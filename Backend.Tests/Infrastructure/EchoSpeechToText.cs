using System.Text;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A test-only recogniser that "hears" text: the test streams UTF-8 text as if it were PCM16 audio, and the
/// transcript is that text. Everything else — hub, buffer, flushes, decoder, pipeline, AI, TTS — is real, so
/// conversation tests run fast and deterministically.
/// </summary>
public sealed class EchoSpeechToText : ISpeechToText
{
    public string Name => "pocketsphinx"; // stands in for the configured provider

    public IReadOnlyCollection<string> Languages { get; } = ["en-US", "zh-CN"];

    public int Created { get; private set; }

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request)
    {
        Created++;
        return new Recognizer();
    }

    // A loud (but not clipped) sample, 0x7000, in front of the text so the utterance is not taken for silence.
    private const byte MarkerLow = 0x00;
    private const byte MarkerHigh = 0x70;

    /// <summary>Text as "audio": a loud marker sample, then UTF-8 padded with NUL to whole 16-bit samples.</summary>
    public static byte[] Speak(string text)
    {
        var bytes = new List<byte> { MarkerLow, MarkerHigh };
        bytes.AddRange(Encoding.UTF8.GetBytes(" " + text + " "));
        if (bytes.Count % 2 != 0)
        {
            bytes.Add(0);
        }

        return [.. bytes];
    }

    private sealed class Recognizer : ISpeechRecognizer
    {
        private readonly List<byte> _utterance = [];

        public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
        {
            _utterance.AddRange(pcm16.ToArray());
            return ValueTask.FromResult<SpeechHypothesis?>(new SpeechHypothesis(Text()));
        }

        public ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
        {
            var text = Text();
            _utterance.Clear();
            return ValueTask.FromResult(new SpeechHypothesis(text));
        }

        public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken)
        {
            _utterance.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private string Text()
        {
            var text = new List<byte>(_utterance.Count);
            for (var i = 0; i + 1 < _utterance.Count; i += 2)
            {
                if (_utterance[i] == MarkerLow && _utterance[i + 1] == MarkerHigh)
                {
                    continue;
                }

                text.AddRange(new[] { _utterance[i], _utterance[i + 1] }.Where(b => b != 0));
            }

            return string.Join(' ', Encoding.UTF8.GetString([.. text]).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
