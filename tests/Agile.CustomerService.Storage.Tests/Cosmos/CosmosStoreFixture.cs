using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Cosmos;
using Agile.CustomerService.Storage.Tests.Contract;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests.Cosmos;

/// <summary>
/// A Cosmos store on a fresh container of the local server (COSMOS_ENDPOINT, default
/// https://127.0.0.1:8081/), with a fault-injection handler in the client's pipeline.
/// Fails, never skips, when the server is not running.
/// </summary>
public sealed class CosmosStoreFixture : IStoreFixture
{
    public const string DefaultEndpoint = "https://127.0.0.1:8081/";

    private CosmosClient? _client;
    private CosmosClient? _plainClient;
    private CosmosStateStore? _store;
    private CosmosStateStore? _plainStore;

    public static string Endpoint => Environment.GetEnvironmentVariable("COSMOS_ENDPOINT") is { Length: > 0 } e ? e : DefaultEndpoint;

    public IStateStore Store => CosmosStore;

    public CosmosStateStore CosmosStore => _store ?? throw new InvalidOperationException("fixture not initialized");

    /// <summary>A second store on the same container without fault injection: the "other writer" of race tests.</summary>
    public CosmosStateStore OtherWriter => _plainStore ?? throw new InvalidOperationException("fixture not initialized");

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public FaultInjectionHandler Faults { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public CosmosStoreOptions Options { get; } = new()
    {
        AccountEndpoint = Endpoint,
        Database = "agilecs-tests",
        Container = $"state-{Guid.NewGuid():N}",
        LeasesContainer = "leases",
        UseEmulatorKey = true,
        MaxRetryAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public Container Container => CosmosStore.Container;

    public async ValueTask InitializeAsync()
    {
        await EnsureServerIsRunningAsync();
        _client = CosmosStateStore.CreateClient(Options, [Faults]);
        _plainClient = CosmosStateStore.CreateClient(Options);
        var container = await CosmosStateStore.CreateIfNotExistsAsync(_client, Options, TestContext.Current.CancellationToken);
        using var factory = LoggerFactory.Create(b => b.AddProvider(Logs));
        _store = new CosmosStateStore(container, Options, Time, factory.CreateLogger<CosmosStateStore>());
        _plainStore = new CosmosStateStore(_plainClient.GetContainer(Options.Database, Options.Container), Options, Time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_plainClient is not null)
        {
            try
            {
                await _plainClient.GetContainer(Options.Database, Options.Container).DeleteContainerStreamAsync();
            }
            catch (HttpRequestException)
            {
                // the server has gone already; its data is in memory only
            }
        }

        _store?.Dispose();
        _plainStore?.Dispose();
        _client?.Dispose();
        _plainClient?.Dispose();
        GC.SuppressFinalize(this);
    }

    public static async Task EnsureServerIsRunningAsync()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(Endpoint), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"The local Cosmos DB server is not reachable at {Endpoint} ({ex.Message}). " +
                "Start it with `source tests/stand-ins/cosmos/start.sh` from the repository root (or run ./test.sh, which starts it), " +
                "or point COSMOS_ENDPOINT at a running server.",
                ex);
        }
    }
}
