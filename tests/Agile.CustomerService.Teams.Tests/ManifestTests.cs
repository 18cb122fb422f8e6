using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>
/// The Teams app manifest against the official schema (npm @microsoft/app-manifest, pinned in
/// teams/validate/package-lock.json), offline, through node. ./test.sh installs it with npm ci.
/// </summary>
public sealed class ManifestTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agile.CustomerService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private static async Task<(int Code, string Output)> ValidateAsync(string manifestPath)
    {
        var validate = Path.Combine(Root(), "teams", "validate");
        Assert.True(
            Directory.Exists(Path.Combine(validate, "node_modules", "@microsoft", "app-manifest")),
            "the manifest validator is not installed: run 'npm ci --prefix teams/validate' (./test.sh does)");
        var start = new ProcessStartInfo("node", [Path.Combine(validate, "validate.mjs"), manifestPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    /// <summary>Validates a changed copy of the committed manifest, in a folder removed afterwards.</summary>
    private static async Task<(int Code, string Output)> ValidateChangedCopyAsync(Action<JsonObject> change)
    {
        var source = Path.Combine(Root(), "teams", "manifest");
        var target = Directory.CreateTempSubdirectory("acs-manifest").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }

            var path = Path.Combine(target, "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            change(manifest);
            File.WriteAllText(path, manifest.ToJsonString());
            return await ValidateAsync(path);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task Manifest_AsCommitted_IsValidAgainstTheOfficialSchema()
    {
        var (code, output) = await ValidateAsync(Path.Combine(Root(), "teams", "manifest", "manifest.json"));

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Manifest_WithoutRequiredName_FailsValidation()
    {
        var (code, output) = await ValidateChangedCopyAsync(m => m.Remove("name"));

        Assert.NotEqual(0, code);
        Assert.Contains("name", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_UnknownActivityTypeProperty_FailsValidation()
    {
        var (code, _) = await ValidateChangedCopyAsync(m => m["activities"]!["activityTypes"]![0]!["colour"] = "blue");

        Assert.NotEqual(0, code);
    }

    [Fact]
    public void Manifest_ActivityTypes_IncludeTheOneTheNotifierSends()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Root(), "teams", "manifest", "manifest.json")))!;

        var types = manifest["activities"]!["activityTypes"]!.AsArray().Select(t => t!["type"]!.GetValue<string>());

        Assert.Contains(Application.MicrosoftTeams.TeamsNotifier.CaseOfferedActivity, types);
    }
}
