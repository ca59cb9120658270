namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// The offline persona engine, and the default. It is a script, not a language model: it recognises intents from
/// the scenario's keyword lists in what the trainee said, keeps the drill's state (stage, objections raised and
/// resolved, topics discussed, story beats told, the topic it last offered), and answers with the scenario's own
/// lines — never the same line twice in a session while the script has another — ending with a closing line that depends on how the drill
/// went. Deterministic per session id, so drills are reproducible. <see cref="IRoleplayAi.StartConversation"/>
/// ignores the model profile: there is no model to choose.
/// </summary>
public sealed class ScriptedRoleplayAi : IRoleplayAi
{
    public string Name => ProviderNames.Scripted;

    public IRoleplayConversation StartConversation(ConversationSetup setup) => new ScriptedConversation(setup.SessionId, setup.Variant);
}

/// <summary>The drill's state as the engine sees it (exposed for tests and diagnostics).</summary>
public sealed record ScriptedState(
    string? Stage,
    IReadOnlyCollection<string> Raised,
    IReadOnlyCollection<string> Resolved,
    string? LastIntent,
    IReadOnlyCollection<string> Discussed,
    int BeatsTold,
    string? Invited,
    IReadOnlyCollection<string> OffersHeard);
