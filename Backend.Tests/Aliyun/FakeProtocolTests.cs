using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using RoleplayHub.Tests.Aliyun.Fakes;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>The fakes keep the service's rules even for clients that break them (what our client never does).</summary>
public sealed class FakeProtocolTests : IAsyncLifetime
{
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task TheGatewayRefusesAHandshakeWithoutAToken()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WsUri(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task AudioBeforeStartIsAnInvalidMessage()
    {
        using var socket = await ConnectAsync();

        await socket.SendAsync(new byte[3200], WebSocketMessageType.Binary, true, CancellationToken.None);
        var failed = await ReceiveAsync(socket);

        Assert.Equal("TaskFailed", failed.GetProperty("header").GetProperty("name").GetString());
        Assert.Equal("Default", failed.GetProperty("header").GetProperty("namespace").GetString());
        Assert.Equal(40000002, failed.GetProperty("header").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task AnIdleConnectionFailsWith40000004()
    {
        _fake.Nls.IdleTimeout = TimeSpan.FromMilliseconds(300);
        using var socket = await ConnectAsync();

        var failed = await ReceiveAsync(socket);

        Assert.Equal(40000004, failed.GetProperty("header").GetProperty("status").GetInt32());
        Assert.StartsWith("Gateway:IDLE_TIMEOUT", failed.GetProperty("header").GetProperty("status_text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownAppKeyFailsTheStart()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, new { header = Header("StartTranscription", "no-such-appkey"), payload = new { format = "pcm", sample_rate = 16000 } });
        var failed = await ReceiveAsync(socket);

        Assert.Equal(40020105, failed.GetProperty("header").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task OssRefusesUnsignedRequestsAndExpiredUrls()
    {
        using var http = new HttpClient();
        var time = DateTimeOffset.UtcNow.AddHours(-2);
        var expired = RoleplayHub.Storage.Cloud.OssSigner.V4PresignedQuery(_fake.Account.AccessKeyId, _fake.Account.AccessKeySecret, _fake.Account.OssRegion,
            time, TimeSpan.FromHours(1), "GET", _fake.Account.Bucket, "a.wav");
        var unsigned = await http.GetAsync($"{_fake.Oss.Url}/{_fake.Account.Bucket}/a.wav");
        var old = await http.GetAsync($"{_fake.Oss.Url}/{_fake.Account.Bucket}/a.wav?{expired}");

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, old.StatusCode);
        Assert.Contains("expired", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Uri WsUri() => new(_fake.Nls.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/v1");

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var token = _fake.Account.IssueToken(TimeSpan.FromHours(1)).Id;
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-NLS-Token", token);
        await socket.ConnectAsync(WsUri(), CancellationToken.None);
        return socket;
    }

    private static object Header(string name, string appKey) => new
    {
        message_id = Guid.NewGuid().ToString("N"), task_id = Guid.NewGuid().ToString("N"), @namespace = "SpeechTranscriber", name, appkey = appKey,
    };

    private static Task SendAsync(ClientWebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count)).RootElement.Clone();
    }
}
