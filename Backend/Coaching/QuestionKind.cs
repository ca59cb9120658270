namespace RoleplayHub.Coaching;

public enum QuestionKind
{
    None,
    Open,
    Closed,
}
