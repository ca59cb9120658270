using System.Runtime.InteropServices;
using RoleplayHub.Fakes.Realtime;

namespace RoleplayHub.Fakes;

/// <summary>
/// <c>dotnet run --project Fakes -- realtime --vendor openai|azure|stepfun|glm|qwen|gemini [--port 5610] [--key test-key]
/// [--speed 1] [--first-audio-ms 300] [--session-cap 00:60:00]</c>: prints the profile settings that reach the fake,
/// then serves until Ctrl+C or SIGTERM. Not top-level statements: the tests reference this assembly and the service's, and two
/// global <c>Program</c> classes would collide there.
/// </summary>
public static class FakesProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "realtime")
        {
            await Console.Error.WriteLineAsync("usage: realtime --vendor openai|azure|stepfun|glm|qwen|gemini [--port 5610] [--key test-key] [--speed 1] [--first-audio-ms 300] [--session-cap hh:mm:ss]");
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
        var stopped = new TaskCompletionSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // stop here, gracefully
            stopped.TrySetResult();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stopped.Task;
        return 0;
    }
}
