using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace Agile.CustomerService.Storage.Cosmos;

/// <summary>
/// The container layout as code (infra/ holds the same in Bicep): container <c>state</c> keyed by
/// <c>/pk</c>, TTL on with no default (-1: items expire only when they carry a <c>ttl</c>), and an
/// indexing policy that indexes only what the queries filter or sort on; container <c>leases</c>
/// keyed by <c>/id</c> for the Functions change-feed trigger.
/// </summary>
public static class CosmosContainers
{
    public const string PartitionKeyPath = "/pk";

    public static readonly ReadOnlyCollection<string> IndexedPaths = new(["/kind/?", "/dueAt/?", "/status/?", "/teamId/?", "/seq/?"]);

    public static ContainerProperties StateContainer(string name)
    {
        var properties = new ContainerProperties(name, PartitionKeyPath)
        {
            DefaultTimeToLive = -1,
            IndexingPolicy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent },
        };
        foreach (var path in IndexedPaths)
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }

    public static ContainerProperties LeasesContainer(string name) => new(name, "/id");

    public static async Task<Container> CreateIfNotExistsAsync(CosmosClient client, CosmosStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Database database = await client.CreateDatabaseIfNotExistsAsync(options.Database, cancellationToken: cancellationToken);
        Container container = await database.CreateContainerIfNotExistsAsync(StateContainer(options.Container), cancellationToken: cancellationToken);
        await database.CreateContainerIfNotExistsAsync(LeasesContainer(options.LeasesContainer), cancellationToken: cancellationToken);
        return container;
    }
}
