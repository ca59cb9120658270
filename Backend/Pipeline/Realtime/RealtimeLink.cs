using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Pipeline.Realtime;

/// <summary>
/// The session's line to its realtime model, which outlives any one connection: vendors cap a connection (OpenAI at
/// 60 minutes, Gemini after about 10 with <c>goAway</c>), so the link opens a new one and carries the conversation over
/// — by Gemini's resumption handle when there is one, else by re-seeding what was said as text.
/// </summary>
internal sealed class RealtimeLink(IRealtimeModels models, string profile, RealtimeSessionSetup setup, IRealtimeConnection connection)
{
    private volatile IRealtimeConnection _connection = connection;
    private volatile string? _resumptionHandle;

    public string Profile { get; } = profile;

    public IRealtimeConnection Connection => _connection;

    /// <summary>The latest handle that continues the session on a new connection (Gemini).</summary>
    public void Resumable(string handle) => _resumptionHandle = handle;

    /// <summary>Opens a new connection that continues the conversation; the old one is disposed.</summary>
    public async Task ReconnectAsync(IReadOnlyList<RealtimeHistoryItem> history, CancellationToken cancellationToken)
    {
        var old = _connection;
        var handle = _resumptionHandle;
        var next = await models.ConnectAsync(Profile, setup with
        {
            History = handle is null ? [.. setup.History, .. history] : [],
            ResumptionHandle = handle,
        }, cancellationToken);
        _connection = next;
        await old.DisposeAsync();
    }
}
