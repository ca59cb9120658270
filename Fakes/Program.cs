using System.Runtime.InteropServices;
using RoleplayHub.Fakes.Chat;
using RoleplayHub.Fakes.Realtime;

namespace RoleplayHub.Fakes;

/// <summary>
/// <c>dotnet run --project Fakes -- realtime --vendor openai|azure|stepfun|glm|qwen|gemini [--port 5610] [--key test-key]
/// [--speed 1] [--first-audio-ms 300] [--session-cap 00:60:00]</c>: prints the profile settings that reach the fake,
/// then serves until Ctrl+C or SIGTERM. <c>-- chat [--port 5612] [--first-token-ms 300] [--tokens-per-second 40]
/// [--reply text]</c>: an OpenAI-compatible chat endpoint that streams one reply word by word (the load benchmark's
/// token-streaming model). Not top-level statements: the tests reference this assembly and the service's, and two
/// global <c>Program</c> classes would collide there.
/// </summary>
public static class FakesProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "chat")
        {
            await using var chat = await FakeChatCompletions.StartAsync(args.AsMemory(1));
            Console.WriteLine($"OpenAI-compatible chat fake listening: {chat.Url} ({chat.Tokens} tokens a reply)");
            Console.WriteLine($"  Ai__Provider=openai Ai__OpenAi__BaseUrl={chat.Url} Ai__OpenAi__ApiKey=fake-key Ai__OpenAi__Model=fake-model");
            await UntilStoppedAsync();
            return 0;
        }

        if (args.Length == 0 || args[0] != "realtime")
        {
            await Console.Error.WriteLineAsync("usage: realtime --vendor openai|azure|stepfun|glm|qwen|gemini [--port 5610] [--key test-key] [--speed 1] [--first-audio-ms 300] [--session-cap hh:mm:ss]");
            await Console.Error.WriteLineAsync("       chat [--port 5612] [--first-token-ms 300] [--tokens-per-second 40] [--reply text]");
            return 2;
        }

        var options = FakeRealtimeCommandLine.Parse(args.AsSpan(1));
        await using var server = FakeRealtimeServers.Create(options);
        await server.StartAsync();
        Console.WriteLine($"{options.Vendor} realtime fake listening: {server.EndpointUrl}");
        Console.WriteLine($"  Realtime__Profiles__fake__Vendor={options.Vendor}");
        Console.WriteLine($"  Realtime__Profiles__fake__Endpoint={server.EndpointUrl}");
        Console.WriteLine($"  Realtime__Profiles__fake__ApiKey={options.ApiKey}");
        Console.WriteLine(options.Vendor == "azure"
            ? "  Realtime__Profiles__fake__Deployment=fake-model\n  Realtime__Profiles__fake__TranscriptionModel=fake-transcribe"
            : "  Realtime__Profiles__fake__Model=fake-model");
        await UntilStoppedAsync();
        return 0;
    }

    private static async Task UntilStoppedAsync()
    {
        var stopped = new TaskCompletionSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // stop here, gracefully
            stopped.TrySetResult();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stopped.Task;
    }
}
