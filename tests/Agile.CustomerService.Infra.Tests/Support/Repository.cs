namespace Agile.CustomerService.Infra.Tests.Support;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string Functions => Path.Combine(Root, "functions");

    public static string PathOf(string relativePath) =>
        Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Files under <paramref name="folder"/> (recursive), as sorted repository-relative paths with '/'.</summary>
    public static IReadOnlyList<string> FilesUnder(string folder, string searchPattern) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, searchPattern, SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>functions/&lt;Name&gt;/function.json, one per function folder.</summary>
    public static IReadOnlyList<string> FunctionJsonFiles() =>
        Directory.Exists(Functions)
            ? Directory.EnumerateDirectories(Functions)
                .Select(dir => Path.Combine(dir, "function.json"))
                .Where(File.Exists)
                .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agile.CustomerService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Agile.CustomerService.sln above {AppContext.BaseDirectory}: run the tests from inside the repository.");
    }
}
