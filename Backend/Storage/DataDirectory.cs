namespace RoleplayHub.Storage;

/// <summary>
/// The service's writable folder (SQLite database, media files, admin scenarios, generated keys). Configured with
/// <c>DataDirectory</c>; relative paths are taken from the content root. Created on first use.
/// </summary>
public sealed class DataDirectory
{
    public DataDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["DataDirectory"];
        Path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured, environment.ContentRootPath);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the data directory (absolute paths are returned unchanged).</summary>
    public string Resolve(string relativeOrAbsolute) => System.IO.Path.GetFullPath(relativeOrAbsolute, Path);
}
