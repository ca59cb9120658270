using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using RoleplayHub.Storage;

namespace RoleplayHub.Scenarios;

/// <summary>
/// The scenarios the service offers: the built-in catalog plus an admin folder, validated when loaded. At start-up
/// an invalid file stops the service with a message naming the file and the problem; a later reload that fails keeps
/// the previous catalog and logs why.
/// </summary>
/// <remarks>A hosted service, so the host builds it before anything starts (an invalid file stops the start, not every
/// later request that needs the catalog), and watches the admin folder only while the host runs.</remarks>
public sealed class ScenarioCatalog : IHostedService, IDisposable
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
        VoiceProviders = [.. voices.Value.Providers];
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
            _watcher = new FileSystemWatcher(_adminDirectory, "*.json") { IncludeSubdirectories = false };
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

    /// <summary>The providers personas may give a voice for, in the order they were registered (offline first).</summary>
    public IReadOnlyList<string> VoiceProviders { get; }

    public Scenario? Find(string? id) => id is not null && _scenarios.TryGetValue(id, out var scenario) ? scenario : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = true;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        return Task.CompletedTask;
    }

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
                var scenario = LoadFile(file, errors, VoiceProviders);
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

        var problems = ScenarioValidator.Validate(scenario, Path.GetDirectoryName(file)!, voiceProviders).ToList();
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

    private static string? ResolveGrammar(string? grammar, string folder) =>
        grammar is not null && grammar.EndsWith(".gram", StringComparison.OrdinalIgnoreCase)
            ? File.ReadAllText(Path.Combine(folder, grammar))
            : grammar;
}
