using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RoleplayHub.Storage;

namespace RoleplayHub.Scenarios;

/// <summary>
/// The scenarios the service offers: the built-in catalog plus an admin folder, validated when loaded. At start-up
/// an invalid file stops the service with a message naming the file and the problem; a later reload that fails keeps
/// the previous catalog and logs why.
/// </summary>
public sealed partial class ScenarioCatalog : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A misspelt field ("beat" for "beats") would otherwise be ignored without a word.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly ILogger<ScenarioCatalog> _logger;
    private readonly string _builtIn;
    private readonly string _adminDirectory;
    private readonly IReadOnlyCollection<string> _voiceProviders;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _reloadDebounce;
    private volatile FrozenDictionary<string, Scenario> _scenarios;

    public ScenarioCatalog(
        IOptions<ScenarioOptions> options,
        IOptions<PersonaVoiceOptions> voices,
        DataDirectory data,
        IHostEnvironment environment,
        ILogger<ScenarioCatalog> logger)
    {
        _logger = logger;
        _voiceProviders = voices.Value.Providers;
        _builtIn = Path.Combine(environment.ContentRootPath, options.Value.BuiltInDirectory);
        if (!System.IO.Directory.Exists(_builtIn))
        {
            _builtIn = Path.Combine(AppContext.BaseDirectory, options.Value.BuiltInDirectory);
        }

        _adminDirectory = data.Resolve(options.Value.Directory);
        System.IO.Directory.CreateDirectory(_adminDirectory);
        _scenarios = Load(out var errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The scenario catalog is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        _reloadDebounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        if (options.Value.Watch)
        {
            _watcher = new FileSystemWatcher(_adminDirectory, "*.json") { IncludeSubdirectories = false, EnableRaisingEvents = true };
            _watcher.Changed += OnFolderChanged;
            _watcher.Created += OnFolderChanged;
            _watcher.Deleted += OnFolderChanged;
            _watcher.Renamed += OnFolderChanged;
        }

        logger.LogInformation("Loaded {Count} scenarios ({BuiltIn} built-in; admin folder {Folder})", _scenarios.Count, _builtIn, _adminDirectory);
    }

    /// <summary>Raised after a successful reload.</summary>
    public event Action? Reloaded;

    public IReadOnlyCollection<Scenario> All => _scenarios.Values;

    public Scenario? Find(string? id) => id is not null && _scenarios.TryGetValue(id, out var scenario) ? scenario : null;

    public void Dispose()
    {
        _watcher?.Dispose();
        _reloadDebounce.Dispose();
    }

    /// <summary>Reloads now; returns the problems found (empty when the new catalog was taken).</summary>
    public IReadOnlyList<string> Reload()
    {
        var loaded = Load(out var errors);
        if (errors.Count > 0)
        {
            _logger.LogError("Scenario reload rejected, keeping the previous catalog: {Errors}", string.Join("; ", errors));
            return errors;
        }

        _scenarios = loaded;
        _logger.LogInformation("Scenario catalog reloaded: {Count} scenarios", loaded.Count);
        Reloaded?.Invoke();
        return [];
    }

    // Editors write files in several steps; wait for the burst to settle before reading.
    private void OnFolderChanged(object sender, FileSystemEventArgs e) => _reloadDebounce.Change(TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan);

    private FrozenDictionary<string, Scenario> Load(out List<string> errors)
    {
        errors = [];
        var result = new Dictionary<string, Scenario>(StringComparer.Ordinal);
        foreach (var directory in new[] { _builtIn, _adminDirectory })
        {
            if (!System.IO.Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                var scenario = LoadFile(file, errors, _voiceProviders);
                if (scenario is null)
                {
                    continue;
                }

                if (result.TryGetValue(scenario.Id, out var existing) && directory == _builtIn)
                {
                    errors.Add($"{file}: scenario id '{scenario.Id}' is also defined in {existing.Source}.");
                    continue;
                }

                result[scenario.Id] = scenario; // the admin folder may override a built-in scenario
            }
        }

        if (result.Count == 0)
        {
            errors.Add($"No scenarios found in {_builtIn} or {_adminDirectory}.");
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Reads and validates one scenario file; <paramref name="voiceProviders"/> are the providers a persona may
    /// give a voice for.</summary>
    internal static Scenario? LoadFile(string file, List<string> errors, IReadOnlyCollection<string> voiceProviders)
    {
        Scenario? scenario;
        try
        {
            using var stream = File.OpenRead(file);
            scenario = JsonSerializer.Deserialize<Scenario>(stream, JsonOptions);
        }
        catch (JsonException ex)
        {
            errors.Add($"{file}: {ex.Message}");
            return null;
        }
        catch (IOException ex)
        {
            errors.Add($"{file}: cannot be read ({ex.Message}).");
            return null;
        }

        if (scenario is null)
        {
            errors.Add($"{file}: the file is empty.");
            return null;
        }

        var problems = Validate(scenario, Path.GetDirectoryName(file)!, voiceProviders).ToList();
        if (problems.Count > 0)
        {
            errors.AddRange(problems.Select(p => $"{file}: {p}"));
            return null;
        }

        // Normalise: variant language from its key, grammar file resolved to its text, case-insensitive lookup.
        var variants = scenario.Variants.ToDictionary(
            pair => pair.Key,
            pair => pair.Value with { Language = pair.Key, Grammar = ResolveGrammar(pair.Value.Grammar, Path.GetDirectoryName(file)!) },
            StringComparer.OrdinalIgnoreCase);
        return scenario with { Variants = variants, Source = file };
    }

    private static IEnumerable<string> Validate(Scenario s, string folder, IReadOnlyCollection<string> voiceProviders)
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

            if (v.Script is { } script)
            {
                foreach (var problem in ValidateScript(script, $"variants.{language}.script"))
                {
                    yield return problem;
                }
            }
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

    private static string? ResolveGrammar(string? grammar, string folder) =>
        grammar is not null && grammar.EndsWith(".gram", StringComparison.OrdinalIgnoreCase)
            ? File.ReadAllText(Path.Combine(folder, grammar))
            : grammar;

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
