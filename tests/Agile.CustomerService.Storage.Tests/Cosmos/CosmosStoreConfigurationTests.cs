using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agile.CustomerService.Storage.Tests.Cosmos;

/// <summary>How the app builds the store from its configuration keys.</summary>
public sealed class CosmosStoreConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Options_FromConfigurationKeys_BindEveryDocumentedSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cosmos:AccountEndpoint"] = "https://agilecs-weu.documents.azure.com:443/",
            ["Cosmos:Database"] = "agilecs-pilot",
            ["Cosmos:UseEmulatorKey"] = "false",
            ["Cosmos:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
            ["Cosmos:SlowRequestThreshold"] = "00:00:00.500",
            ["Cosmos:EventTimeToLive"] = "3.00:00:00",
        }).Build();

        var options = configuration.GetSection("Cosmos").Get<CosmosStoreOptions>()!;

        Assert.Equal("https://agilecs-weu.documents.azure.com:443/", options.AccountEndpoint);
        Assert.Equal("agilecs-pilot", options.Database);
        Assert.Equal("state", options.Container);
        Assert.False(options.UseEmulatorKey);
        Assert.Equal("00000000-0000-0000-0000-000000000001", options.ManagedIdentityClientId);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.SlowRequestThreshold);
        Assert.Equal(TimeSpan.FromDays(3), options.EventTimeToLive);
    }

    [Fact]
    public void CreateClient_WithoutEndpoint_FailsNamingTheSetting()
    {
        var options = new CosmosStoreOptions { UseEmulatorKey = true };

        var error = Assert.Throws<InvalidOperationException>(() => CosmosStateStore.CreateClient(options));

        Assert.Contains("Cosmos:AccountEndpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_InEmulatorMode_CreatesTheContainersAndServes()
    {
        var options = new CosmosStoreOptions
        {
            AccountEndpoint = CosmosStoreFixture.Endpoint,
            Database = "agilecs-tests",
            Container = $"state-{Guid.NewGuid():N}",
            UseEmulatorKey = true,
        };
        await CosmosStoreFixture.EnsureServerIsRunningAsync();

        using var store = await CosmosStateStore.CreateAsync(options, NullLoggerFactory.Instance, Ct);
        var result = await store.CommitAsync("customer:cfg", [new PutDocument("customer", Kinds.Customer, "{}", null)], [], Ct);
        var properties = (await store.Container.ReadContainerAsync(cancellationToken: Ct)).Resource;
        await store.Container.DeleteContainerAsync(cancellationToken: Ct);

        Assert.IsType<Committed>(result);
        Assert.Equal("/pk", properties.PartitionKeyPath);
        Assert.Equal(-1, properties.DefaultTimeToLive);
        Assert.Equal(["/dueAt/?", "/kind/?", "/seq/?", "/status/?", "/teamId/?"], properties.IndexingPolicy.IncludedPaths.Select(p => p.Path).Order(StringComparer.Ordinal));
    }
}
