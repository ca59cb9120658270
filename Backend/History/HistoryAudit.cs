namespace RoleplayHub.History;

/// <summary>
/// The audit trail of history deletions: structured log events on the <c>RoleplayHub.Audit</c> category (event ids
/// 9001–9003), one per erased session and one per run with who asked, why and what was removed, so a log pipeline
/// can keep them apart from operational logs. The category is at Information whatever <c>Logging:LogLevel:Default</c>
/// says (only a rule naming the category changes it).
/// </summary>
internal sealed partial class HistoryAudit(ILoggerFactory loggers)
{
    public const string Category = "RoleplayHub.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void SessionErased(Guid historyKey, string sessionId, string userId, int turns, string actor, string reason) =>
        LogSessionErased(historyKey, sessionId, userId, turns, actor, reason);

    public void Erased(string scope, string actor, string reason, ErasureResult result) =>
        LogErased(scope, actor, reason, result.Sessions, result.Turns, result.MediaDeleted, result.MediaShared, result.MediaFailed);

    public void MediaNotDeleted(string key, string problem) => LogMediaNotDeleted(key, problem);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Audit: history session {HistoryKey} ({SessionId}) of user {UserId} with {Turns} turns erased by {Actor} ({Reason})")]
    private partial void LogSessionErased(Guid historyKey, string sessionId, string userId, int turns, string actor, string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Audit: erased {Scope} by {Actor} ({Reason}): {Sessions} sessions, {Turns} turns, {MediaDeleted} media files deleted, {MediaShared} kept (used by other sessions), {MediaFailed} not deleted")]
    private partial void LogErased(string scope, string actor, string reason, int sessions, int turns, int mediaDeleted, int mediaShared, int mediaFailed);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Audit: media {Key} of an erased session could not be deleted: {Problem}")]
    private partial void LogMediaNotDeleted(string key, string problem);
}
