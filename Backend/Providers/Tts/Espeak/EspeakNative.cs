using System.Runtime.InteropServices;

namespace RoleplayHub.Providers.Tts.Espeak;

/// <summary>P/Invoke surface of <c>libespeak-ng.so.1</c>. The library keeps process-wide state (one voice, one
/// callback), so every call is made under <see cref="EspeakAvatarSpeech"/>'s lock.</summary>
internal static unsafe partial class EspeakNative
{
    private const string Library = "libespeak-ng.so.1";

    internal const int AudioOutputSynchronous = 2;
    internal const int InitializePhonemeEvents = 0x0001;
    internal const int InitializePhonemeIpa = 0x0002;
    internal const int InitializeDontExit = 0x8000;
    internal const int PositionCharacter = 1;
    internal const uint CharsUtf8 = 1;
    internal const uint EndPause = 0x1000;
    internal const int ParameterRate = 1;
    internal const int ParameterPitch = 3;

    internal const int EventListTerminated = 0;
    internal const int EventWord = 1;
    internal const int EventSentence = 2;
    internal const int EventEnd = 5;
    internal const int EventMessageTerminated = 6;
    internal const int EventPhoneme = 7;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int espeak_Initialize(int output, int bufferLengthMs, string? path, int options);

    [LibraryImport(Library)]
    internal static partial void espeak_SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, EspeakEvent*, int> callback);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int espeak_SetVoiceByName(string name);

    [LibraryImport(Library)]
    internal static partial int espeak_SetParameter(int parameter, int value, int relative);

    [LibraryImport(Library)]
    internal static partial int espeak_Synth(byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, uint* uniqueIdentifier, void* userData);

    [LibraryImport(Library)]
    internal static partial int espeak_Synchronize();
}

/// <summary><c>espeak_EVENT</c> on x86-64 (40 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct EspeakEvent
{
    [FieldOffset(0)]
    public int Type;

    [FieldOffset(8)]
    public int TextPosition;

    [FieldOffset(12)]
    public int Length;

    [FieldOffset(16)]
    public int AudioPositionMs;

    [FieldOffset(32)]
    public fixed byte Id[8];
}
