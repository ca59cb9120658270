namespace RoleplayHub.Pipeline;

/// <summary>An exchange completed before this worker ran the session — on a node that was lost, restored from the
/// history: what the trainee said and the persona's reply as the trainee heard it.</summary>
public sealed record PriorTurn(int Turn, string UserText, string Reply);
