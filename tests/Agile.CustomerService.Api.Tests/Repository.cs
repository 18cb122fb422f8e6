namespace Agile.CustomerService.Api.Tests;

internal static class Repository
{
    /// <summary>The checkout the tests run from (the folder holding the solution).</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agile.CustomerService.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("the tests must run inside the repository");
    }
}
