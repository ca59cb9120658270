using Microsoft.Extensions.Options;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;

namespace RoleplayHub.Coaching;

/// <summary>The language model that scores rubrics, when there is one: the configured AI, if it can answer one-shot
/// requests (<see cref="ITextCompletion"/>: the OpenAI-compatible provider; not the scripted engine) and
/// <c>Coaching:UseLlm</c> is on.</summary>
public sealed class CoachingModel(ProviderCatalog catalog, IOptions<CoachingOptions> options)
{
    public ITextCompletion? Model => options.Value.UseLlm ? catalog.RoleplayAi as ITextCompletion : null;
}
