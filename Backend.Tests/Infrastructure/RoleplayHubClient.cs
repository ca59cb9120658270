using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoleplayHub.Hubs;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A test's connection to the roleplay hub through the official .NET SignalR client (<see cref="HubConnection"/>),
/// over the transport and protocol the test picks (<see cref="HubClientOptions"/>). Every event of
/// <see cref="IRoleplayClient"/> is recorded in arrival order as JSON, whatever the protocol
/// (<see cref="RecordingHubProtocol"/>, <see cref="MessagePackPayload"/>). A call the server refuses throws the
/// client's <see cref="HubException"/>, whose message is the server's: "… HubException: code: text".
/// </summary>
public sealed class RoleplayHubClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>The wire names of the server's events, read from the contract so a new event is recorded too.</summary>
    private static readonly string[] EventNames =
        [.. typeof(IRoleplayClient).GetMethods().Select(m => m.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? m.Name)];

    private readonly HubConnection _connection;
    private readonly NetworkPlug _plug;
    private readonly HubEventLog _log;

    private RoleplayHubClient(HubConnection connection, HubEventLog log, NetworkPlug plug, HttpTransportType transport, WireProtocol protocol)
    {
        _connection = connection;
        _log = log;
        _plug = plug;
        Transport = transport;
        Protocol = protocol;

        // The handlers tell the client each event's payload type, which the protocol binds it to: as it came under
        // JSON, as plain objects under MessagePack. The events are recorded by RecordingHubProtocol as they are parsed.
        Type[] payloadType = [protocol == WireProtocol.Json ? typeof(JsonElement) : typeof(object)];
        foreach (var name in EventNames)
        {
            connection.On(name, payloadType, static _ => Task.CompletedTask);
        }

        connection.Closed += error =>
        {
            _log.Close(error?.Message ?? "closed");
            return Task.CompletedTask;
        };
    }

    public HttpTransportType Transport { get; }

    public WireProtocol Protocol { get; }

    /// <summary>Set when the connection ended; null while it is open.</summary>
    public string? ClosedReason => _log.ClosedReason;

    public IReadOnlyList<HubEvent> Events => _log.Events;

    public static async Task<RoleplayHubClient> ConnectAsync(HubEndpoint endpoint, string? accessToken, HubClientOptions? options = null)
    {
        var (transport, protocol, skipNegotiation) = options ?? HubClientOptions.Default;
        var plug = new NetworkPlug();
        var log = new HubEventLog();
        var builder = new HubConnectionBuilder().WithUrl(endpoint.Url, connection =>
        {
            connection.Transports = transport;
            connection.SkipNegotiation = skipNegotiation;
            connection.AccessTokenProvider = accessToken is null ? null : () => Task.FromResult<string?>(accessToken);
            connection.HttpMessageHandlerFactory = _ => plug.Wrap(endpoint.CreateHandler());
            connection.WebSocketFactory = async (context, cancellationToken) =>
                plug.Wrap(await endpoint.ConnectWebSocket(context.Uri, accessToken, cancellationToken));
        });
        // The protocols AddJsonProtocol and AddMessagePackProtocol would register, with defaults, wrapped to record events.
        IHubProtocol wire = protocol == WireProtocol.Json ? new JsonHubProtocol() : new MessagePackHubProtocol();
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol>(new RecordingHubProtocol(wire, invocation => log.Add(ToEvent(invocation))));

        var connection = builder.Build();
        var client = new RoleplayHubClient(connection, log, plug, transport, protocol);
        try
        {
            await connection.StartAsync().WaitAsync(DefaultWait);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Invokes a hub method and returns its result (default for methods without one).</summary>
    /// <summary>Invokes with any number of arguments (for payloads of the wrong shape); the result is not read.</summary>
    public Task InvokeCoreAsync(string target, object?[] arguments) =>
        _connection.InvokeCoreAsync(target, typeof(object), arguments).WaitAsync(DefaultWait);

    public async Task<JsonElement> InvokeAsync(string target, object? argument, TimeSpan? timeout = null) =>
        Payload(await _connection.InvokeCoreAsync(target, ResultType, [argument]).WaitAsync(timeout ?? DefaultWait));

    /// <summary>Invokes without asking for a completion, like the JS client's <c>send</c>.</summary>
    public Task SendAsync(string target, object? argument) => _connection.SendCoreAsync(target, [argument]);

    /// <summary>Starts a client → server stream: an invocation of <paramref name="target"/> with
    /// <paramref name="arguments"/> and then the stream. Items written to the returned writer are sent in order;
    /// completing it ends the stream.</summary>
    public async Task<ChannelWriter<object>> StartStreamAsync(string target, params object?[] arguments)
    {
        var items = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        await _connection.SendCoreAsync(target, [.. arguments, items.Reader]);
        return items.Writer;
    }

    /// <summary>An <c>audio-chunk</c> request as this connection's protocol carries audio: base64 text under JSON,
    /// binary under MessagePack.</summary>
    public object AudioChunk(string? sessionId, byte[] audio, long offset) => Protocol == WireProtocol.Json
        ? new { sessionId, audioData = Convert.ToBase64String(audio), offset }
        : new { sessionId, audioData = audio, offset };

    /// <summary>The first event named <paramref name="name"/> (already received or still to come) that matches.</summary>
    public Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null) =>
        _log.WaitForAsync(name, match, timeout ?? DefaultWait);

    public IReadOnlyList<JsonElement> EventsNamed(string name) => _log.Named(name);

    /// <summary>Waits for the connection to end (closed by the server or dropped); returns why.</summary>
    public Task<string> EndedAsync() => _log.EndedAsync(DefaultWait);

    /// <summary>Drops the connection without a close, like a network failure (see <see cref="NetworkPlug"/>).</summary>
    public void Abort() => _plug.Pull();

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _plug.Dispose();
    }

    /// <summary>An event as the tests read it: its payload as JSON, converted when MessagePack carried it.</summary>
    internal static HubEvent ToEvent(InvocationMessage invocation) =>
        new(invocation.Target, Payload(invocation.Arguments.Length > 0 ? invocation.Arguments[0] : null));

    private Type ResultType => Protocol == WireProtocol.Json ? typeof(JsonElement) : typeof(object);

    private static JsonElement Payload(object? value) => value switch
    {
        null => default,
        JsonElement json => json,
        _ => MessagePackPayload.ToJson(value),
    };
}
