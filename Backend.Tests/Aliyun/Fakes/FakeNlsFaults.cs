namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>What the fake NLS does wrong to the next task or request (each queued fault is used once).</summary>
public sealed record NlsFault
{
    /// <summary>Refuse the WebSocket upgrade / REST request with this HTTP status (e.g. 503).</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Send <c>TaskFailed</c> (or a REST error) with this status and text, then close.</summary>
    public int? Status { get; init; }

    public string StatusText { get; init; } = "";

    /// <summary>Drop the TCP connection without a close handshake (a network failure).</summary>
    public bool Drop { get; init; }

    /// <summary>For WebSocket tasks: act once this many audio bytes have arrived (0 = at Start).</summary>
    public int AfterAudioBytes { get; init; }

    public static NlsFault Failed(int status, string text, int afterAudioBytes = 0) => new() { Status = status, StatusText = text, AfterAudioBytes = afterAudioBytes };

    public static NlsFault Dropped(int afterAudioBytes = 0) => new() { Drop = true, AfterAudioBytes = afterAudioBytes };

    public static NlsFault Http(int status, int nlsStatus = 50000000, string text = "Gateway:SERVER_ERROR:Internal server error!") =>
        new() { HttpStatus = status, Status = nlsStatus, StatusText = text };

    public static NlsFault IdleTimeout(int afterAudioBytes = 0) =>
        Failed(40000004, "Gateway:IDLE_TIMEOUT:Websocket session is idle for too long time, the last directive is 'StartTranscription'!", afterAudioBytes);
}
