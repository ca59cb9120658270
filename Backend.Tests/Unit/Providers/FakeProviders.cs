using System.Collections;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Tests.Unit.Providers;

/// <summary>Providers with a name and languages and nothing else: a cloud one answers every call with an outage.</summary>
internal class FakeSpeechToText(string name, params string[] languages) : ISpeechToText
{
    public string Name => name;

    public IReadOnlyCollection<string> Languages => languages;

    public int Recognizers { get; private set; }

    public virtual ISpeechRecognizer CreateRecognizer(RecognizerRequest request)
    {
        Recognizers++;
        return new Recognizer(name, this is ICloudProvider);
    }

    private sealed class Recognizer(string name, bool down) : ISpeechRecognizer
    {
        public ValueTask StartAsync(CancellationToken cancellationToken) => down
            ? throw new SpeechRecognitionException($"{name} is down", true, new ProviderOutageException(name, "503"))
            : ValueTask.CompletedTask;

        public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken) =>
            ValueTask.FromResult<SpeechHypothesis?>(null);

        public ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new SpeechHypothesis("heard by " + name));

        public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

internal sealed class FakeCloudSpeechToText(string name, params string[] languages) : FakeSpeechToText(name, languages), ICloudProvider;

internal class FakeAvatarSpeech(string name, params string[] languages) : IAvatarSpeech
{
    public string Name => name;

    public List<SpeechRequest> Requests { get; } = [];

    public bool Supports(string language) => languages.Contains(language, StringComparer.OrdinalIgnoreCase);

    public virtual ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return ValueTask.FromResult(new AvatarClip(new byte[] { 1 }, "audio/wav", "wav", TimeSpan.FromSeconds(1), visemes: null));
    }
}

internal sealed class FakeCloudAvatarSpeech(string name, params string[] languages) : FakeAvatarSpeech(name, languages), ICloudProvider
{
    public override ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken) =>
        throw new SpeechSynthesisException($"{Name} is down", true, new ProviderOutageException(Name, "503"));
}

internal sealed class FakeRoleplayAi(string name) : IRoleplayAi
{
    public string Name => name;

    public IRoleplayConversation StartConversation(ConversationSetup setup) => throw new NotSupportedException();
}

/// <summary>A provider list that counts how often it is read: the catalog reads it once, when it is made.</summary>
internal sealed class CountedList<T>(params T[] items) : IEnumerable<T>
{
    public int Enumerations { get; private set; }

    public IEnumerator<T> GetEnumerator()
    {
        Enumerations++;
        return ((IEnumerable<T>)items).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
