namespace Agile.CustomerService.Storage.Cosmos;

/// <summary>
/// Configuration of the Cosmos DB store (section "Cosmos"). In Azure only <see cref="AccountEndpoint"/>
/// (and, for a user-assigned identity, <see cref="ManagedIdentityClientId"/>) is set; the client
/// authenticates with Entra ID. <see cref="UseEmulatorKey"/> is for a local server only.
/// </summary>
public sealed class CosmosStoreOptions
{
    /// <summary>The published key of the Cosmos DB emulator; used only when <see cref="UseEmulatorKey"/> is true.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>The account endpoint, e.g. https://agilecs-weu.documents.azure.com:443/ or https://127.0.0.1:8081/.</summary>
    public string AccountEndpoint { get; set; } = "";

    public string Database { get; set; } = "agilecs";

    public string Container { get; set; } = "state";

    /// <summary>The lease container of the Functions change-feed trigger (created locally only).</summary>
    public string LeasesContainer { get; set; } = "leases";

    /// <summary>
    /// Local server mode: the well-known emulator key, gateway mode, the server's self-signed
    /// certificate accepted, database and containers created on start. Never in Azure.
    /// </summary>
    public bool UseEmulatorKey { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one or a developer login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Requests slower than this (retries included) are logged as warnings.</summary>
    public TimeSpan SlowRequestThreshold { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retries of a transient failure (429, 503, 408, 449, timeouts) before it surfaces as unavailable.</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First back-off of a retry without a server-given retry-after; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time limit of one request to the service (the SDK's RequestTimeout).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time-to-live of outbox event documents once written; null keeps them (the change feed has
    /// already delivered them long before any sensible expiry, so a few days is a safe value).
    /// </summary>
    public TimeSpan? EventTimeToLive { get; set; }
}
