using System.Globalization;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>The console app's arguments: <c>--vendor --port --key --speed --first-audio-ms --session-cap</c>.</summary>
public static class FakeRealtimeCommandLine
{
    public static FakeRealtimeOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new FakeRealtimeOptions { Port = 5610 };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--vendor": o.Vendor = value.ToLowerInvariant(); break;
                case "--port": o.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--key": o.ApiKey = value; break;
                case "--speed": o.Speed = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--first-audio-ms": o.FirstAudioDelay = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--session-cap": o.SessionCap = TimeSpan.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }

        return o;
    }
}
