using System.Text.Json;

[assembly: AssemblyFixture(typeof(Agile.CustomerService.Infra.Tests.Support.CompiledMain))]

namespace Agile.CustomerService.Infra.Tests.Support;

/// <summary>infra/main.bicep compiled once for the whole test assembly.</summary>
public sealed class CompiledMain : IAsyncLifetime
{
    private ArmTemplate? _template;
    private Exception? _failure;

    public BicepRun? Build { get; private set; }

    /// <summary>The compiled template; throws with the CLI's own output when the build failed.</summary>
    public ArmTemplate Template => _template ?? throw new InvalidOperationException(
        $"infra/main.bicep did not compile.{Environment.NewLine}{_failure?.Message ?? Build?.Describe()}",
        _failure);

    /// <summary>The Function App's app settings: name to resolved value.</summary>
    public IReadOnlyDictionary<string, string> AppSettings =>
        Template.SingleOfType("Microsoft.Web/sites").Get("properties.siteConfig.appSettings") is { ValueKind: JsonValueKind.Array } settings
            ? settings.EnumerateArray().ToDictionary(
                setting => setting.GetProperty("name").GetString() ?? string.Empty,
                setting => Template.SingleOfType("Microsoft.Web/sites").Scope.Resolve(setting.GetProperty("value")).ToString(),
                StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    public async ValueTask InitializeAsync()
    {
        try
        {
            Build = await BicepCli.RunAsync(
                "build", Repository.PathOf("infra/main.bicep"), writesOutput: true, TestContext.Current.CancellationToken);
            if (Build.Output is { } json)
            {
                _template = new ArmTemplate(json);
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or TimeoutException or JsonException or InvalidOperationException)
        {
            _failure = ex;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
