using System.Runtime.CompilerServices;
using RoleplayHub.Providers.Ai.Scripted;

namespace RoleplayHub.Coaching;

/// <summary>
/// The scenario's phrases (objection lines and answers, rubric keywords) prepared for matching once for as long as the
/// scenario is loaded, not once per drill: every report matches the same few dozen phrases. Keyed by the phrase's own
/// string, so an entry goes when a reloaded catalog lets its scenario go.
/// </summary>
internal static class ScenarioPhrases
{
    private static readonly ConditionalWeakTable<string, MatchText> Prepared = [];

    public static MatchText Of(string phrase) => Prepared.GetValue(phrase, MatchText.Of);
}
