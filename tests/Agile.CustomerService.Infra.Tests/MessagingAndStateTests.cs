using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>Service Bus entities and Cosmos DB containers have the names and shapes the app assumes.</summary>
public sealed class MessagingAndStateTests(CompiledMain main)
{
    private static readonly string[] StateIncludedPaths = ["/kind/?", "/dueAt/?", "/status/?", "/teamId/?", "/seq/?"];

    private static readonly string[] StateExcludedPaths = ["/*", "/\"_etag\"/?"];

    public static TheoryData<string> CaseEventSubscriptions => ["board-projection", "daily-rollup", "dispatch", "teams-notifications"];

    [Fact]
    public void ContactsQueue_Delivery_RequiresSessionsAndDeadLettersAfterTenAttempts()
    {
        var queues = main.Template.OfType("Microsoft.ServiceBus/namespaces/queues").ToList();

        var contacts = Assert.Single(queues, queue => queue.LeafName == "contacts");

        Assert.True(contacts.GetBool("properties.requiresSession"), "contacts must be session-enabled (one session per customer).");
        Assert.Equal(10, contacts.GetInt("properties.maxDeliveryCount"));
        Assert.True(contacts.GetBool("properties.deadLetteringOnMessageExpiration"));
    }

    [Theory]
    [MemberData(nameof(CaseEventSubscriptions))]
    public void CaseEventsSubscription_ForSubscriber_ExistsWithoutSessionsAndDeadLetters(string subscriptionName)
    {
        var subscriptions = main.Template.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").ToList();

        var subscription = Assert.Single(subscriptions, candidate => candidate.LeafName == subscriptionName);

        Assert.Contains("'case-events'", subscription.Name, StringComparison.Ordinal);
        Assert.False(subscription.GetBool("properties.requiresSession") ?? false);
        Assert.Equal(10, subscription.GetInt("properties.maxDeliveryCount"));
        Assert.True(subscription.GetBool("properties.deadLetteringOnMessageExpiration"));
    }

    [Fact]
    public void CaseEventsTopic_Definition_ExistsWithoutDuplicateDetection()
    {
        var topics = main.Template.OfType("Microsoft.ServiceBus/namespaces/topics").ToList();

        var topic = Assert.Single(topics, candidate => candidate.LeafName == "case-events");

        // Custom-handler outputs cannot set a MessageId, so broker duplicate detection would do nothing.
        Assert.False(topic.GetBool("properties.requiresDuplicateDetection") ?? false);
    }

    [Fact]
    public void CosmosDatabase_Name_IsAgilecs()
    {
        var databases = main.Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases").ToList();

        var database = Assert.Single(databases);

        Assert.Equal("agilecs", database.GetString("properties.resource.id"));
        Assert.Equal("agilecs", database.LeafName);
    }

    [Fact]
    public void StateContainer_Definition_MatchesDataModel()
    {
        var containers = main.Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers").ToList();

        var state = Assert.Single(containers, container => container.GetString("properties.resource.id") == "state");

        Assert.Equal(["/pk"], state.GetStrings("properties.resource.partitionKey.paths"));
        Assert.Equal(-1, state.GetInt("properties.resource.defaultTtl"));
        Assert.Equal("consistent", state.GetString("properties.resource.indexingPolicy.indexingMode"));
        Assert.Equal(StateIncludedPaths.Order(StringComparer.Ordinal), IndexPaths(state, "includedPaths").Order(StringComparer.Ordinal));
        Assert.Equal(StateExcludedPaths.Order(StringComparer.Ordinal), IndexPaths(state, "excludedPaths").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LeasesContainer_PartitionKey_IsId()
    {
        var containers = main.Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers").ToList();

        var leases = Assert.Single(containers, container => container.GetString("properties.resource.id") == "leases");

        Assert.Equal(["/id"], leases.GetStrings("properties.resource.partitionKey.paths"));
    }

    private static List<string> IndexPaths(ArmResource container, string kind) =>
        container.Get($"properties.resource.indexingPolicy.{kind}") is { ValueKind: System.Text.Json.JsonValueKind.Array } paths
            ? paths.EnumerateArray().Select(path => path.GetProperty("path").GetString() ?? string.Empty).ToList()
            : [];
}
