using RoleplayHub.Providers.Ai;

namespace RoleplayHub.Providers;

/// <summary>
/// A roleplay AI the catalog can choose by <see cref="Name"/> (<c>Ai:Provider</c>). Only the chosen one is created:
/// an LLM client holds connections and reports its own configuration problems, which an unused provider should not.
/// </summary>
public sealed record RoleplayAiRegistration(string Name, Func<IRoleplayAi> Create);
