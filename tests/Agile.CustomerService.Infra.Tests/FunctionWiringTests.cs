using System.Text.Json;
using System.Text.RegularExpressions;
using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>
/// host.json and functions/*/function.json agree with the infrastructure: every trigger is one
/// the handler serves, every connection has identity-based settings, every entity exists.
/// </summary>
public sealed partial class FunctionWiringTests(CompiledMain main)
{
    private static readonly string[] SupportedTriggers = ["httpTrigger", "serviceBusTrigger", "cosmosDBTrigger", "timerTrigger"];

    private static readonly string[] ExpectedFunctions =
        ["BoardProjection", "CaseEventsPublisher", "ContactIntake", "DailyRollup", "DispatchReactor", "DueTimers", "HttpApi", "TeamReminders", "TeamsNotifications"];

    public static TheoryData<string> FunctionJsonFiles => [.. Repository.FunctionJsonFiles()];

    [Fact]
    public void FunctionFolders_UnderFunctions_AreTheEightTheAppServes()
    {
        var files = Repository.FunctionJsonFiles();

        var names = files.Select(file => file.Split('/')[^2]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(ExpectedFunctions, names);
    }

    [Theory]
    [MemberData(nameof(FunctionJsonFiles))]
    public void FunctionJson_Trigger_IsOneTheHandlerServes(string relativePath)
    {
        var bindings = Bindings(relativePath);

        var triggers = bindings.Where(binding => Text(binding, "type")?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true).ToList();

        var trigger = Assert.Single(triggers);
        Assert.Contains(Text(trigger, "type"), SupportedTriggers);
        Assert.Equal("in", Text(trigger, "direction"));
    }

    [Theory]
    [MemberData(nameof(FunctionJsonFiles))]
    public void FunctionJson_Connection_HasIdentityBasedAppSetting(string relativePath)
    {
        var connections = Bindings(relativePath).Select(binding => Text(binding, "connection")).OfType<string>().Distinct().ToList();

        var unmatched = connections
            .Where(connection => !main.AppSettings.ContainsKey($"{connection}__fullyQualifiedNamespace")
                && !main.AppSettings.ContainsKey($"{connection}__accountEndpoint"))
            .ToList();

        Assert.Empty(unmatched);
        Assert.All(connections, connection => Assert.Equal("managedidentity", main.AppSettings.GetValueOrDefault($"{connection}__credential")));
    }

    [Theory]
    [MemberData(nameof(FunctionJsonFiles))]
    public void FunctionJson_ServiceBusEntities_ExistInTemplateWithMatchingSessions(string relativePath)
    {
        var bindings = Bindings(relativePath)
            .Where(binding => Text(binding, "type") is "serviceBusTrigger" or "serviceBus")
            .ToList();

        var problems = bindings.SelectMany(ServiceBusProblems).ToList();

        Assert.Empty(problems);
    }

    [Fact]
    public void CosmosTrigger_Containers_AreProvisionedAndLeasesPreCreated()
    {
        var triggers = Repository.FunctionJsonFiles().SelectMany(Bindings)
            .Where(binding => Text(binding, "type") == "cosmosDBTrigger")
            .ToList();

        var containers = main.Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .Select(container => container.GetString("properties.resource.id"))
            .ToList();
        var databases = main.Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases")
            .Select(database => database.GetString("properties.resource.id"))
            .ToList();

        Assert.NotEmpty(triggers);
        Assert.All(triggers, trigger =>
        {
            Assert.Contains(Text(trigger, "databaseName"), databases);
            Assert.Contains(Text(trigger, "containerName"), containers);
            Assert.Contains(Text(trigger, "leaseContainerName"), containers);
            Assert.False(trigger.TryGetProperty("createLeaseContainerIfNotExists", out var create) && create.GetBoolean());
        });
    }

    [Fact]
    public void TimerTriggers_Schedule_HasSixCronFields()
    {
        var timers = Repository.FunctionJsonFiles().SelectMany(Bindings)
            .Where(binding => Text(binding, "type") == "timerTrigger")
            .ToList();

        var schedules = timers.Select(timer => Text(timer, "schedule") ?? string.Empty).ToList();

        Assert.NotEmpty(schedules);
        Assert.All(schedules, schedule => Assert.Matches(SixFieldCron(), schedule));
    }

    [Fact]
    public void HostJson_CustomHandler_StartsThePublishedHost()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("host.json")));

        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal(
            "Agile.CustomerService.Host",
            root.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(
            IsTrue(root.GetProperty("customHandler"), "enableProxyingHttpRequest")
            || IsTrue(root.GetProperty("customHandler"), "enableForwardingHttpRequest"),
            "HTTP requests must reach the handler as plain HTTP (proxying or forwarding).");
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", root.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal("[4.*, 5.0.0)", root.GetProperty("extensionBundle").GetProperty("version").GetString());
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void HostJson_ServiceBusExtension_KeepsAutoCompleteAndBoundsConcurrency()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("host.json")));

        var serviceBus = host.RootElement.GetProperty("extensions").GetProperty("serviceBus");

        // Autocomplete lets the broker count deliveries and dead-letter after maxDeliveryCount.
        Assert.True(serviceBus.GetProperty("autoCompleteMessages").GetBoolean());
        Assert.Equal(16, serviceBus.GetProperty("maxConcurrentCalls").GetInt32());
        Assert.Equal(8, serviceBus.GetProperty("maxConcurrentSessions").GetInt32());
        Assert.Equal("00:05:00", serviceBus.GetProperty("maxAutoLockRenewalDuration").GetString());
    }

    [Fact]
    public void AzureYaml_FunctionService_MatchesAzdServiceTagOnFunctionApp()
    {
        var lines = File.ReadAllLines(Repository.PathOf("azure.yaml"));

        var serviceName = lines.SkipWhile(line => line.TrimEnd() != "services:").Skip(1)
            .Select(line => ServiceKey().Match(line)).FirstOrDefault(match => match.Success)?.Groups["name"].Value;
        var tags = main.Template.SingleOfType("Microsoft.Web/sites").GetString("tags") ?? string.Empty;

        Assert.NotNull(serviceName);
        Assert.Contains($"'azd-service-name', '{serviceName}'", tags, StringComparison.Ordinal);
        Assert.Contains(lines, line => line.Trim() == "host: function");
    }

    private IEnumerable<string> ServiceBusProblems(JsonElement binding)
    {
        var queueName = Text(binding, "queueName");
        var topicName = Text(binding, "topicName");
        var subscriptionName = Text(binding, "subscriptionName");
        var name = Text(binding, "name");

        if (queueName is not null)
        {
            var queue = main.Template.OfType("Microsoft.ServiceBus/namespaces/queues").FirstOrDefault(q => q.LeafName == queueName);
            if (queue is null)
            {
                yield return $"{name}: queue '{queueName}' is not provisioned";
                yield break;
            }

            var requiresSession = queue.GetBool("properties.requiresSession") ?? false;
            if (Text(binding, "direction") == "out" && requiresSession)
            {
                yield return $"{name}: an output cannot set a SessionId, so it cannot target session-enabled '{queueName}'";
            }

            if (Text(binding, "direction") == "in" && requiresSession != IsTrue(binding, "isSessionsEnabled"))
            {
                yield return $"{name}: isSessionsEnabled does not match requiresSession={requiresSession} on '{queueName}'";
            }

            yield break;
        }

        if (topicName is null
            || !main.Template.OfType("Microsoft.ServiceBus/namespaces/topics").Any(topic => topic.LeafName == topicName))
        {
            yield return $"{name}: topic '{topicName}' is not provisioned";
            yield break;
        }

        if (Text(binding, "direction") == "in"
            && !main.Template.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").Any(subscription =>
                subscription.LeafName == subscriptionName
                && subscription.Name.Contains($"'{topicName}'", StringComparison.Ordinal)))
        {
            yield return $"{name}: subscription '{subscriptionName}' of '{topicName}' is not provisioned";
        }
    }

    private static List<JsonElement> Bindings(string relativePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.PathOf(relativePath)));
        return document.RootElement.GetProperty("bindings").EnumerateArray().Select(binding => binding.Clone()).ToList();
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsTrue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    [GeneratedRegex(@"^\S+( \S+){5}$")]
    private static partial Regex SixFieldCron();

    [GeneratedRegex(@"^  (?<name>[A-Za-z0-9_-]+):\s*$")]
    private static partial Regex ServiceKey();
}
