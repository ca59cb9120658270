namespace RoleplayHub.History;

/// <summary>
/// Where session history goes. Calls come from the pipeline and the session manager and must return at once:
/// an implementation queues the record and writes it in the background (never on the audio path).
/// </summary>
public interface ISessionJournal
{
    void SessionStarted(SessionStartRecord record);

    void TurnCompleted(TurnRecord record);

    void SessionEnded(SessionEndRecord record);
}

/// <summary>Used until a history store is configured: records nothing.</summary>
public sealed class NoSessionJournal : ISessionJournal
{
    public void SessionStarted(SessionStartRecord record)
    {
    }

    public void TurnCompleted(TurnRecord record)
    {
    }

    public void SessionEnded(SessionEndRecord record)
    {
    }
}
