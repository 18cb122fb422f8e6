using System.Diagnostics;

namespace Agile.CustomerService.Infra.Tests.Support;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (a PackageDownload of
/// this project). Every run gets its own temporary working directory, and outputs go there, so
/// nothing is ever written into infra/.
/// </summary>
public static class BicepCli
{
    /// <summary>Keep in step with the PackageDownload in the .csproj.</summary>
    public const string Version = "0.49.2";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string ExecutablePath { get; } = Locate();

    public static string MissingMessage =>
        $"Bicep CLI {Version} not found at {ExecutablePath}. It comes from the NuGet package " +
        $"Azure.Bicep.CommandLine.linux-x64 [{Version}] (PackageDownload in tests/Agile.CustomerService.Infra.Tests): " +
        "run `dotnet restore tests/Agile.CustomerService.Infra.Tests` with the NuGet feed reachable.";

    /// <summary>Runs <c>bicep &lt;command&gt; &lt;input&gt;</c>; with <paramref name="writesOutput"/> the output file is read back.</summary>
    public static async Task<BicepRun> RunAsync(
        string command, string inputFile, bool writesOutput, CancellationToken cancellationToken)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(MissingMessage, ExecutablePath);
        }

        var workDir = Directory.CreateTempSubdirectory("agilecs-bicep-");
        try
        {
            var outputFile = Path.Combine(workDir.FullName, "output.json");
            List<string> arguments = [command, inputFile];
            if (writesOutput)
            {
                arguments.Add("--outfile");
                arguments.Add(outputFile);
            }

            var (exitCode, stdout, stderr) = await ExecuteAsync(arguments, workDir.FullName, cancellationToken);
            var output = writesOutput && File.Exists(outputFile)
                ? await File.ReadAllTextAsync(outputFile, cancellationToken)
                : null;
            return new BicepRun(arguments, exitCode, stdout, stderr, output);
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> ExecuteAsync(
        IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
    }

    private static string Locate()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(packages))
        {
            packages = Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        return Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
    }
}

/// <summary>One finished CLI run.</summary>
public sealed record BicepRun(
    IReadOnlyList<string> Arguments, int ExitCode, string StandardOutput, string StandardError, string? Output)
{
    /// <summary>
    /// Every warning or error line. Type problems (BCP036/BCP037/BCP081) are warnings and exit 0,
    /// so the exit code alone is not enough.
    /// </summary>
    public IReadOnlyList<string> Diagnostics =>
        $"{StandardError}\n{StandardOutput}"
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(": Warning ", StringComparison.Ordinal)
                || line.Contains(": Error ", StringComparison.Ordinal))
            .ToList();

    public bool IsClean => ExitCode == 0 && Diagnostics.Count == 0;

    public string Describe() =>
        $"bicep {string.Join(' ', Arguments)} exited {ExitCode}{Environment.NewLine}{StandardError}{StandardOutput}";
}
