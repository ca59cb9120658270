using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers.LatencyModel;

/// <summary>Recognition that answers partials at once and the final after <see cref="LatencyModelOptions.SttDelay"/>.</summary>
public sealed class LatencyModelSpeechToText(IOptions<LatencyModelOptions> options, TimeProvider time) : ISpeechToText
{
    public string Name => ProviderNames.LatencyModel;

    public IReadOnlyCollection<string> Languages { get; } = ["en-US", "zh-CN"];

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request) => new Recognizer(options.Value, time);

    private sealed class Recognizer(LatencyModelOptions options, TimeProvider time) : ISpeechRecognizer
    {
        private static readonly SpeechHypothesis Partial = new("Hello, I would like");
        private bool _heard;

        public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
        {
            _heard = true;
            return ValueTask.FromResult<SpeechHypothesis?>(Partial);
        }

        public async ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
        {
            var heard = _heard;
            _heard = false;
            await Task.Delay(options.SttDelay, time, cancellationToken);
            return new SpeechHypothesis(heard ? options.Transcript : "");
        }

        public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken)
        {
            _heard = false;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A persona that answers the same line after <see cref="LatencyModelOptions.AiDelay"/>.</summary>
public sealed class LatencyModelRoleplayAi(IOptions<LatencyModelOptions> options, TimeProvider time) : IRoleplayAi
{
    public string Name => ProviderNames.LatencyModel;

    public IRoleplayConversation StartConversation(ConversationSetup setup) => new Conversation(options.Value, time);

    private sealed class Conversation(LatencyModelOptions options, TimeProvider time) : IRoleplayConversation
    {
        public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Delay(options.AiDelay, time, cancellationToken);
            yield return options.Reply;
        }

        public void Commit(AiTurn turn, string reply)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Speech that arrives after <see cref="LatencyModelOptions.TtsDelay"/>: one second of a quiet tone, with a
/// fixed viseme track (stored once: the media store deduplicates identical content).</summary>
public sealed class LatencyModelAvatarSpeech(IOptions<LatencyModelOptions> options, TimeProvider time) : IAvatarSpeech
{
    private static readonly byte[] Clip = CreateClip();
    private static readonly IReadOnlyList<VisemeCue> Track = [new(0, "sil"), new(120, "aa"), new(400, "E"), new(700, "O"), new(1_000, "sil")];

    public string Name => ProviderNames.LatencyModel;

    public bool Supports(string language) => true;

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(options.Value.TtsDelay, time, cancellationToken);
        return new AvatarClip(Clip, "audio/wav", "wav", TimeSpan.FromSeconds(1), Track);
    }

    private static byte[] CreateClip()
    {
        var samples = new short[AudioFormat.NormalizedSampleRate];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(1_000 * Math.Sin(2 * Math.PI * 220 * i / AudioFormat.NormalizedSampleRate));
        }

        return WavFile.Create(samples, AudioFormat.NormalizedSampleRate);
    }
}
