using System.Text.RegularExpressions;

namespace RoleplayHub.Scenarios;

/// <summary>
/// What makes a scenario file valid beyond its JSON shape: an id and language tags of the right form, a variant for
/// the default language, the fields every variant needs, a persona voice whose providers exist, a grammar file that
/// is there, and a script whose ids, stages and lines are consistent. Each problem is one message naming its path in
/// the file (<c>variants.en-US.script intent 'a' …</c>); a file with any is refused.
/// </summary>
internal static partial class ScenarioValidator
{
    public static IEnumerable<string> Validate(Scenario s, string folder, IReadOnlyCollection<string> voiceProviders)
    {
        if (!IdPattern().IsMatch(s.Id))
        {
            yield return $"id '{s.Id}' must be 1–64 characters of a-z, 0-9, '-' or '_'.";
        }

        if (s.MaxTurns is < 1 or > 200)
        {
            yield return $"maxTurns must be between 1 and 200 (was {s.MaxTurns}).";
        }

        if (s.Variants.Count == 0)
        {
            yield return "at least one language variant is required under 'variants'.";
        }

        if (!s.Variants.Keys.Contains(s.DefaultLanguage, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"defaultLanguage '{s.DefaultLanguage}' has no variant (variants: {string.Join(", ", s.Variants.Keys)}).";
        }

        foreach (var (language, v) in s.Variants)
        {
            if (!LanguagePattern().IsMatch(language))
            {
                yield return $"variant key '{language}' is not a language tag such as en-US or zh-CN.";
            }

            if (string.IsNullOrWhiteSpace(v.Title))
            {
                yield return $"variants.{language}.title is empty.";
            }

            if (string.IsNullOrWhiteSpace(v.Persona.Name) || string.IsNullOrWhiteSpace(v.Persona.Role))
            {
                yield return $"variants.{language}.persona needs a name and a role.";
            }

            if (string.IsNullOrWhiteSpace(v.SystemPrompt) || string.IsNullOrWhiteSpace(v.OpeningLine))
            {
                yield return $"variants.{language} needs a systemPrompt and an openingLine.";
            }

            if (v.Grammar is { } grammar && grammar.EndsWith(".gram", StringComparison.OrdinalIgnoreCase) && !File.Exists(Path.Combine(folder, grammar)))
            {
                yield return $"variants.{language}.grammar file '{grammar}' does not exist next to the scenario.";
            }

            if (!string.Equals(v.Persona.Voice.Gender, "female", StringComparison.OrdinalIgnoreCase) && !string.Equals(v.Persona.Voice.Gender, "male", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"variants.{language}.persona.voice.gender must be 'female' or 'male' (was '{v.Persona.Voice.Gender}').";
            }

            foreach (var provider in v.Persona.Voice.ByProvider.Keys.Where(p => !voiceProviders.Contains(p, StringComparer.OrdinalIgnoreCase)))
            {
                yield return $"variants.{language}.persona.voice: '{provider}' is neither gender, rate nor pitch, nor a provider with voices "
                    + $"({string.Join(", ", voiceProviders.Order(StringComparer.Ordinal))}).";
            }

            if (v.Persona.Face is { } face)
            {
                foreach (var (field, colour) in new[] { ("skin", face.Skin), ("hair", face.Hair), ("backdrop", face.Backdrop) })
                {
                    if (colour is not null && !ColourPattern().IsMatch(colour))
                    {
                        yield return $"variants.{language}.persona.face.{field} must be a colour such as #a0522d (was '{colour}').";
                    }
                }

                if (face.HairStyle is { } style && !PersonaFace.HairStyles.Contains(style))
                {
                    yield return $"variants.{language}.persona.face.hairStyle must be one of {string.Join(", ", PersonaFace.HairStyles)} (was '{style}').";
                }
            }

            if (v.Script is { } script)
            {
                foreach (var problem in ValidateScript(script, $"variants.{language}.script"))
                {
                    yield return problem;
                }
            }

            foreach (var problem in ValidateRubric(v, $"variants.{language}.rubric"))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> ValidateRubric(ScenarioVariant variant, string path)
    {
        foreach (var criterion in variant.Rubric)
        {
            var at = $"{path} criterion '{criterion.Id}'";
            if (!IdPattern().IsMatch(criterion.Id))
            {
                yield return $"{at}: the id must be 1–64 characters of a-z, 0-9, '-' or '_'.";
            }

            if (string.IsNullOrWhiteSpace(criterion.Title))
            {
                yield return $"{at} needs a title.";
            }

            if (!(criterion.Weight > 0 && criterion.Weight <= 100))
            {
                yield return $"{at}: weight must be above 0 and at most 100 (was {criterion.Weight}).";
            }

            if (!RubricCriterion.Measures.Contains(criterion.Measure))
            {
                yield return $"{at}: measure '{criterion.Measure}' is not one of {string.Join(", ", RubricCriterion.Measures)}.";
            }
            else if (criterion.Measure == "keywords" && (criterion.Keywords.Count == 0 || criterion.Keywords.Any(string.IsNullOrWhiteSpace)))
            {
                yield return $"{at}: the keywords measure needs a list of non-empty 'keywords'.";
            }
            else if (criterion.Measure == "objections" && variant.Script is not { Objections.Count: > 0 })
            {
                yield return $"{at}: the objections measure needs objections in the variant's script.";
            }
        }

        foreach (var id in variant.Rubric.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"{path} uses the criterion id '{id.Key}' more than once.";
        }
    }

    private static IEnumerable<string> ValidateScript(ScriptRules script, string path)
    {
        foreach (var intent in script.Intents.Where(i => i.Keywords.Count == 0 || i.Replies.Count == 0))
        {
            yield return $"{path} intent '{intent.Id}' needs keywords and replies.";
        }

        foreach (var objection in script.Objections.Where(o => o.Raise.Count == 0 || o.ResolvedBy.Count == 0))
        {
            yield return $"{path} objection '{objection.Id}' needs 'raise' lines and 'resolvedBy' words.";
        }

        var objections = script.Objections.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var intent in script.Intents.Where(i => i.About is not null && !objections.Contains(i.About)))
        {
            yield return $"{path} intent '{intent.Id}' is about unknown objection '{intent.About}'.";
        }

        foreach (var intent in script.Intents.Where(i => i.Resolves is not null && !objections.Contains(i.Resolves)))
        {
            yield return $"{path} intent '{intent.Id}' resolves unknown objection '{intent.Resolves}'.";
        }

        foreach (var id in script.Intents.Select(i => i.Id).Concat(script.Objections.Select(o => o.Id)).GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"{path} uses the id '{id.Key}' more than once (intent and objection ids must be unique).";
        }

        var stages = script.Stages.ToHashSet(StringComparer.Ordinal);
        var known = $"known stages: {(stages.Count == 0 ? "none, add them under 'stages'" : string.Join(", ", script.Stages))}";
        foreach (var intent in script.Intents.Where(i => i.Advances is not null && !stages.Contains(i.Advances)))
        {
            yield return $"{path} intent '{intent.Id}' advances to unknown stage '{intent.Advances}' ({known}).";
        }

        foreach (var objection in script.Objections.Where(o => o.Stage is not null && !stages.Contains(o.Stage)))
        {
            yield return $"{path} objection '{objection.Id}' names unknown stage '{objection.Stage}' ({known}).";
        }

        var byStage = script.StageFallbacks.Select(p => ("stageFallbacks", p.Key, p.Value))
            .Concat((script.Closings?.ByStage ?? new Dictionary<string, IReadOnlyList<string>>()).Select(p => ("closings.byStage", p.Key, p.Value)));
        foreach (var (field, stage, lines) in byStage)
        {
            if (!stages.Contains(stage))
            {
                yield return $"{path}.{field} names unknown stage '{stage}' ({known}).";
            }
            else if (lines.Count == 0)
            {
                yield return $"{path}.{field}.{stage} has no lines.";
            }
        }

        var lists = new[] { ("beats", script.Beats), ("fallbacks", script.Fallbacks), ("affirmatives", script.Affirmatives) }
            .Concat(script.Intents.SelectMany(i => new[] { ($"intent '{i.Id}' replies", i.Replies), ($"intent '{i.Id}' invite", i.Invite) }))
            .Concat(script.Objections.Select(o => ($"objection '{o.Id}' raise", o.Raise)));
        foreach (var (field, lines) in lists.Where(l => l.Item2.Any(string.IsNullOrWhiteSpace)))
        {
            yield return $"{path} {field} contains an empty line.";
        }
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColourPattern();

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
