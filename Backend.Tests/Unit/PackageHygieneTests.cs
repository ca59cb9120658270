using System.Xml.Linq;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>Directory.Packages.props is the list of what the projects use: no version for a package nothing
/// references, and no reference without a central version.</summary>
public sealed class PackageHygieneTests
{
    [Fact]
    public void EveryCentralVersionIsReferencedAndEveryReferenceHasOne()
    {
        var versions = Includes(Path.Combine(Repository.Root, "Directory.Packages.props"), "PackageVersion");
        var references = Directory.EnumerateFiles(Repository.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => Includes(path, "PackageReference"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Empty(versions.Except(references, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(references.Except(versions, StringComparer.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Includes(string path, string element) =>
        XDocument.Load(path).Descendants(element).Select(e => (string?)e.Attribute("Include")).OfType<string>();
}
