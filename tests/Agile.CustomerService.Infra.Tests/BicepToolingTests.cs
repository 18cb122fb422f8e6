using System.Collections.Concurrent;
using System.Text.Json;
using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>The Bicep CLI builds and lints everything under infra/ without a single warning.</summary>
public sealed class BicepToolingTests(CompiledMain main)
{
    // build-params runs once per file, shared by the tests that need its output.
    private static readonly ConcurrentDictionary<string, Lazy<Task<BicepRun>>> BuiltParameters = new(StringComparer.Ordinal);

    public static TheoryData<string> LintedFiles =>
        [.. Repository.FilesUnder(Repository.Infra, "*.bicep"), .. Repository.FilesUnder(Repository.Infra, "*.bicepparam")];

    public static TheoryData<string> ParameterFiles => [.. Repository.FilesUnder(Repository.Infra, "*.bicepparam")];

    [Fact]
    public void BicepCli_InNuGetCache_IsPresent()
    {
        var path = BicepCli.ExecutablePath;

        var exists = File.Exists(path);

        Assert.True(exists, BicepCli.MissingMessage);
    }

    [Fact]
    public void MainTemplate_Build_ReportsNoWarningOrError()
    {
        var build = main.Build;

        var diagnostics = build?.Diagnostics ?? [];

        Assert.NotNull(build);
        Assert.True(build.IsClean, build.Describe());
        Assert.Empty(diagnostics);
        Assert.NotNull(build.Output);
    }

    [Theory]
    [MemberData(nameof(LintedFiles))]
    public async Task BicepFile_Lint_ReportsNoWarningOrError(string relativePath)
    {
        var file = Repository.PathOf(relativePath);

        var lint = await BicepCli.RunAsync("lint", file, writesOutput: false, TestContext.Current.CancellationToken);

        Assert.True(lint.IsClean, lint.Describe());
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public async Task ParameterFile_BuildParams_ReportsNoWarningOrError(string relativePath)
    {
        var file = Repository.PathOf(relativePath);

        var build = await BuildParamsAsync(file);

        Assert.True(build.IsClean, build.Describe());
        Assert.False(string.IsNullOrWhiteSpace(build.Output), build.Describe());
    }

    [Fact]
    public async Task Pilots_AcrossParameterFiles_AreAtLeastTwoWithDistinctNamesAndRegions()
    {
        var pilotFiles = Repository.FilesUnder(Path.Combine(Repository.Infra, "pilots"), "*.bicepparam");

        var builds = await Task.WhenAll(pilotFiles.Select(file => BuildParamsAsync(Repository.PathOf(file))));

        Assert.All(builds, build => Assert.True(build.IsClean, build.Describe()));
        var pilots = pilotFiles.Zip(builds, (file, build) => PilotParameters.Read(file, build.Output!)).ToList();
        Assert.True(pilots.Count >= 2, $"infra/pilots holds {pilots.Count} pilot(s); at least two regions are expected.");
        Assert.Distinct(pilots.Select(pilot => pilot.PilotName));
        Assert.Distinct(pilots.Select(pilot => pilot.RegionId));
        Assert.All(pilots, pilot => Assert.Equal(Path.GetFileNameWithoutExtension(pilot.File), pilot.Location));
    }

    private static Task<BicepRun> BuildParamsAsync(string file) =>
        BuiltParameters.GetOrAdd(file, path => new Lazy<Task<BicepRun>>(() =>
            BicepCli.RunAsync("build-params", path, writesOutput: true, CancellationToken.None))).Value;
}

/// <summary>The parameters of one infra/pilots/*.bicepparam file, as build-params writes them.</summary>
internal sealed record PilotParameters(string File, string PilotName, string RegionId, string Location)
{
    public static PilotParameters Read(string file, string parametersJson)
    {
        using var document = JsonDocument.Parse(parametersJson);
        var parameters = document.RootElement.GetProperty("parameters");
        return new PilotParameters(file, Value("pilotName"), Value("regionId"), Value("location"));

        string Value(string name) =>
            parameters.TryGetProperty(name, out var parameter) ? parameter.GetProperty("value").GetString() ?? string.Empty : string.Empty;
    }
}
