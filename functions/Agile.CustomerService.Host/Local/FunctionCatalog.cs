using System.Globalization;
using System.Text.Json;

namespace Agile.CustomerService.Host.Local;

internal sealed record OutputBinding(string Name, string Type, string? QueueName, string? TopicName);

/// <summary>One function as its function.json declares it.</summary>
internal sealed record FunctionDefinition(
    string Name,
    string TriggerType,
    string TriggerBinding,
    string? QueueName,
    string? TopicName,
    string? SubscriptionName,
    bool IsSessionsEnabled,
    string? Schedule,
    IReadOnlyList<OutputBinding> Outputs,
    bool IsBatched = false,
    bool IsDisabled = false)
{
    /// <summary>The Service Bus entity the function listens to: a queue, or topic/subscription.</summary>
    public string? Entity => QueueName ?? (TopicName is null ? null : $"{TopicName}/{SubscriptionName}");

    /// <summary>The period of a six-field cron of the form "*/N * * * * *" (seconds); other schedules run every 10 s locally.</summary>
    public TimeSpan Period => Schedule?.Split(' ') is [var seconds, "*", "*", "*", "*", "*"] && seconds.StartsWith("*/", StringComparison.Ordinal)
        && int.TryParse(seconds[2..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? TimeSpan.FromSeconds(n)
            : TimeSpan.FromSeconds(10);
}

/// <summary>Reads functions/*/function.json, as the Functions host does at start-up.</summary>
internal static class FunctionCatalog
{
    /// <param name="settings">
    /// The app's settings, where a function is disabled as in Azure: <c>AzureWebJobs.{Name}.Disabled</c>
    /// set to <c>true</c> (or <c>1</c>); as an environment variable on Linux, <c>AzureWebJobs__{Name}__Disabled</c>.
    /// </param>
    public static IReadOnlyList<FunctionDefinition> Load(string root, IConfiguration? settings = null)
    {
        var functions = new List<FunctionDefinition>();
        foreach (var file in Directory.EnumerateFiles(root, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetDirectoryName(Path.GetDirectoryName(file)) != Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar))
            {
                continue;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var bindings = document.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            functions.Add(new FunctionDefinition(
                Path.GetFileName(Path.GetDirectoryName(file))!,
                Text(trigger, "type")!,
                Text(trigger, "name")!,
                Text(trigger, "queueName"),
                Text(trigger, "topicName"),
                Text(trigger, "subscriptionName"),
                trigger.TryGetProperty("isSessionsEnabled", out var sessions) && sessions.ValueKind == JsonValueKind.True,
                Text(trigger, "schedule"),
                [.. bindings.Where(b => Text(b, "direction") == "out" && Text(b, "type") != "http")
                    .Select(b => new OutputBinding(Text(b, "name")!, Text(b, "type")!, Text(b, "queueName"), Text(b, "topicName")))],
                Text(trigger, "cardinality") == "many",
                settings is not null && IsDisabled(settings, Path.GetFileName(Path.GetDirectoryName(file))!)));
        }

        return functions;
    }

    private static bool IsDisabled(IConfiguration settings, string function) =>
        (settings[$"AzureWebJobs.{function}.Disabled"] ?? settings[$"AzureWebJobs:{function}:Disabled"])?.Trim() is { } value
        && (value == "1" || (bool.TryParse(value, out var disabled) && disabled));

    /// <summary>The function folders: beside the executable when published, else the repository's functions/ folder.</summary>
    public static string? FindRoot(string contentRoot)
    {
        string[] candidates = [AppContext.BaseDirectory, Path.Combine(contentRoot, ".."), Path.Combine(Directory.GetCurrentDirectory(), "functions")];
        var found = candidates.Select(Path.GetFullPath).FirstOrDefault(c => File.Exists(Path.Combine(c, "HttpApi", "function.json")));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); found is null && dir is not null; dir = dir.Parent)
        {
            // A build output inside the repository (bin/...): the repository's functions/ folder.
            var functions = Path.Combine(dir.FullName, "functions");
            found = File.Exists(Path.Combine(functions, "HttpApi", "function.json")) ? functions : null;
        }

        return found;
    }
}
