using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Agile.CustomerService.Application.Storage;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Agile.CustomerService.Storage.Cosmos;

/// <summary>
/// The production store: one Cosmos DB container partitioned by <c>/pk</c>. A commit is one
/// TransactionalBatch in the partition (documents and outbox events together, all or nothing);
/// outbox events are items of kind "event" that the change feed delivers in commit order per
/// partition. ETags are the items' <c>_etag</c>. See docs/data-model.md and docs/adr/0004-cosmos-adapter.md.
/// </summary>
public sealed class CosmosStateStore : IStateStore, IDisposable
{
    /// <summary>A transactional batch holds at most 100 operations.</summary>
    public const int MaxOperationsPerCommit = IStateStore.MaxOperationsPerCommit;

    private readonly Container _container;
    private readonly CosmosStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;
    private readonly CosmosClient? _ownedClient;

    /// <summary>A store over an existing container. The client stays the caller's (SDK clients are singletons).</summary>
    public CosmosStateStore(Container container, CosmosStoreOptions options, TimeProvider timeProvider, ILogger<CosmosStateStore>? logger = null)
        : this(container, options, timeProvider, (ILogger?)logger, ownedClient: null)
    {
    }

    private CosmosStateStore(Container container, CosmosStoreOptions options, TimeProvider timeProvider, ILogger? logger, CosmosClient? ownedClient)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _container = container;
        _options = options;
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _retry = CosmosResilience.Create(options, _logger);
        _ownedClient = ownedClient;
    }

    public Container Container => _container;

    /// <summary>
    /// The store as the app builds it from configuration, ready to use: a client (managed
    /// identity, or the emulator key in emulator mode), then <see cref="InitializeAsync"/>.
    /// </summary>
    public static Task<CosmosStateStore> CreateAsync(CosmosStoreOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        CreateAsync(options, loggerFactory, TimeProvider.System, cancellationToken);

    public static async Task<CosmosStateStore> CreateAsync(
        CosmosStoreOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var store = Create(options, loggerFactory, timeProvider);
        try
        {
            await store.InitializeAsync(cancellationToken);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The store without any I/O (for a synchronous DI factory); the store owns its client.
    /// Call <see cref="InitializeAsync"/> once at start-up.
    /// </summary>
    public static CosmosStateStore Create(CosmosStoreOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var client = CreateClient(options);
        return new CosmosStateStore(
            client.GetContainer(options.Database, options.Container), options, timeProvider, loggerFactory.CreateLogger<CosmosStateStore>(), client);
    }

    /// <summary>
    /// Emulator mode: creates the database and containers when missing. Otherwise (Azure, where
    /// Bicep creates them) checks that the container exists, so a wrong name or a missing role
    /// assignment fails at start-up with the service's message rather than on the first request.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_options.UseEmulatorKey)
        {
            await CreateIfNotExistsAsync(_container.Database.Client, _options, cancellationToken);
        }
        else
        {
            await _container.ReadContainerAsync(cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The SDK client for these options. <paramref name="handlers"/> join the client's request
    /// pipeline (tests inject faults there: throttling, unavailability, timeouts, races).
    /// </summary>
    public static CosmosClient CreateClient(CosmosStoreOptions options, IEnumerable<RequestHandler>? handlers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.AccountEndpoint))
        {
            throw new InvalidOperationException("Cosmos:AccountEndpoint is not set (e.g. https://<account>.documents.azure.com:443/).");
        }

        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "agile-customerservice",
            RequestTimeout = options.RequestTimeout,
            MaxRetryAttemptsOnRateLimitedRequests = 3,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(5),
            EnableContentResponseOnWrite = false,
        };
        foreach (var handler in handlers ?? [])
        {
            clientOptions.CustomHandlers.Add(handler);
        }

        if (options.UseEmulatorKey)
        {
            // A local server: gateway over HTTPS with a self-signed certificate, one endpoint.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            clientOptions.ServerCertificateCustomValidationCallback = (_, _, _) => true;
            return new CosmosClient(options.AccountEndpoint, CosmosStoreOptions.EmulatorKey, clientOptions);
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
        });
        return new CosmosClient(options.AccountEndpoint, credential, clientOptions);
    }

    /// <summary>Creates the database, the state container and the leases container when missing (local and tests; Bicep in Azure).</summary>
    public static Task<Container> CreateIfNotExistsAsync(CosmosClient client, CosmosStoreOptions options, CancellationToken cancellationToken) =>
        CosmosContainers.CreateIfNotExistsAsync(client, options, cancellationToken);

    public Task<StoredDocument?> ReadAsync(string partition, string id, CancellationToken cancellationToken) =>
        RunAsync("read", partition, async (call, token) =>
        {
            using var response = await _container.ReadItemStreamAsync(id, new PartitionKey(partition), cancellationToken: token);
            call.Charge(response.Headers.RequestCharge);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                call.Outcome = "not-found";
                return null;
            }

            CosmosResilience.EnsureSuccess(response, "read");
            using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: token);
            return CosmosItems.ToDocument(json.RootElement, _time.GetUtcNow());
        }, cancellationToken);

    /// <summary>Point reads side by side: the latency of one, the request units of each (cheaper than a query).</summary>
    public async Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(string partition, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        await Task.WhenAll(ids.Select(id => ReadAsync(partition, id, cancellationToken)));

    public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partition, string kind, CancellationToken cancellationToken) =>
        RunAsync("query", partition, async (call, token) =>
        {
            var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind")
                .WithParameter("@kind", kind);
            var documents = await QueryAllAsync(query, partition, call, token);
            documents.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
            return (IReadOnlyList<StoredDocument>)documents;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredDocument>> QueryDueAsync(
        string partition, string kind, DateTimeOffset dueBy, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return RunAsync("query-due", partition, async (call, token) =>
        {
            // Scoped to the partition by the request options; served by the range index on
            // /dueAt (ORDER BY needs the query plan, see tests/stand-ins/cosmos); ties by id here.
            var query = new QueryDefinition(string.Create(
                    CultureInfo.InvariantCulture,
                    $"SELECT TOP {max} * FROM c WHERE c.kind = @kind AND c.dueAt <= @dueBy ORDER BY c.dueAt"))
                .WithParameter("@kind", kind)
                .WithParameter("@dueBy", dueBy.ToUnixTimeMilliseconds());
            var documents = await QueryAllAsync(query, partition, call, token);
            documents.Sort((a, b) => a.DueAt!.Value.CompareTo(b.DueAt!.Value) is var byDue and not 0 ? byDue : string.CompareOrdinal(a.Id, b.Id));
            return (IReadOnlyList<StoredDocument>)documents.Take(max).ToList();
        }, cancellationToken);
    }

    public Task<CommitResult> CommitAsync(
        string partition, IReadOnlyList<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(events);
        if (writes.Count + events.Count > MaxOperationsPerCommit)
        {
            throw new ArgumentException(
                $"A commit holds at most {MaxOperationsPerCommit} writes and events (one Cosmos DB transactional batch); got {writes.Count + events.Count}.",
                nameof(writes));
        }

        if (writes.Count + events.Count == 0)
        {
            return Task.FromResult<CommitResult>(new Committed(new Dictionary<string, string>()));
        }

        return RunAsync("commit", partition, (call, token) => CommitOnceAsync(partition, writes, events, call, token), cancellationToken);
    }

    public Task<ChangePage> ReadChangesAsync(string? continuation, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return RunAsync("read-changes", null, async (call, token) =>
        {
            var start = continuation is null ? ChangeFeedStartFrom.Beginning() : ChangeFeedStartFrom.ContinuationToken(continuation);
            using var iterator = _container.GetChangeFeedStreamIterator(
                start, ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = max });
            var position = continuation;

            // State documents share the feed with events: pages holding no event are skipped, up to
            // the end of the feed, so a caller that keeps only non-empty pages' positions never stalls.
            while (iterator.HasMoreResults)
            {
                using var response = await iterator.ReadNextAsync(token);
                call.Charge(response.Headers.RequestCharge);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new ChangePage([], response.ContinuationToken ?? position);
                }

                CosmosResilience.EnsureSuccess(response, "read-changes");
                position = response.ContinuationToken ?? position;
                using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: token);
                var changes = json.RootElement.GetProperty("Documents").EnumerateArray()
                    .Where(CosmosItems.IsEvent)
                    .OrderBy(CosmosItems.ChangeOrder)
                    .Select(CosmosItems.ToChange)
                    .ToList();
                if (changes.Count > 0)
                {
                    return new ChangePage(changes, position);
                }
            }

            return new ChangePage([], position);
        }, cancellationToken);
    }

    public void Dispose() => _ownedClient?.Dispose();

    private async Task<CommitResult> CommitOnceAsync(
        string partition, IReadOnlyList<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, CallState call, CancellationToken cancellationToken)
    {
        // Two repairs may re-run the batch, each at most once per write: a delete of a missing
        // document is dropped (not an error), and a create over a document whose time-to-live has
        // passed by our clock (Cosmos has not removed it yet) becomes a replace of that version.
        var pending = writes.ToList();
        var replaceExpired = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var round = 0; round <= writes.Count; round++)
        {
            var now = _time.GetUtcNow();
            var batch = _container.CreateTransactionalBatch(new PartitionKey(partition));
            foreach (var pendingWrite in pending)
            {
                Add(batch, partition, pendingWrite, now, replaceExpired);
            }

            for (var i = 0; i < events.Count; i++)
            {
                batch.CreateItemStream(CosmosItems.Event(partition, events[i], i, now, _options.EventTimeToLive));
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            call.Charge(response.RequestCharge);
            if (response.IsSuccessStatusCode)
            {
                var etags = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < pending.Count; i++)
                {
                    if (pending[i] is PutDocument put)
                    {
                        etags[put.Id] = response[i].ETag;
                    }
                }

                return new Committed(etags);
            }

            if (CosmosResilience.IsTransient(response.StatusCode))
            {
                throw CosmosResilience.Transient(response);
            }

            var failed = FirstFailure(response);
            if (failed < 0)
            {
                throw new CosmosException(
                    $"Cosmos DB commit on {partition} failed: {(int)response.StatusCode} {response.ErrorMessage}",
                    response.StatusCode, 0, response.ActivityId, response.RequestCharge);
            }

            var status = response[failed].StatusCode;
            if (IsTransientResult(status))
            {
                throw new TransientCosmosException(
                    $"Cosmos DB commit on {partition}: operation {failed} answered {(int)status} {status}", status, response[failed].RetryAfter);
            }

            if (failed >= pending.Count)
            {
                var e = events[failed - pending.Count];
                return Conflict(call, e.EventId, status == HttpStatusCode.Conflict ? "event already exists" : $"event write failed: {(int)status}");
            }

            var write = pending[failed];
            switch (write, status)
            {
                case (DeleteDocument, HttpStatusCode.NotFound):
                    pending.RemoveAt(failed);
                    continue;
                case (PutDocument { IfMatch: null } put, HttpStatusCode.Conflict) when !replaceExpired.ContainsKey(put.Id):
                    if (await ExpiredVersionAsync(partition, put.Id, call, cancellationToken) is { } expiredETag)
                    {
                        replaceExpired[put.Id] = expiredETag;
                        continue;
                    }

                    return Conflict(call, write.Id, "already exists");
                case (_, HttpStatusCode.Conflict):
                    return Conflict(call, write.Id, "already exists");
                case (_, HttpStatusCode.PreconditionFailed):
                    return Conflict(call, write.Id, "stale etag");
                case (_, HttpStatusCode.NotFound):
                    return Conflict(call, write.Id, "stale etag (the document does not exist)");
                default:
                    throw new CosmosException(
                        $"Cosmos DB commit on {partition}: write '{write.Id}' answered {(int)status} {status}",
                        status, 0, response.ActivityId, response.RequestCharge);
            }
        }

        throw new InvalidOperationException($"Cosmos DB commit on {partition} did not settle.");
    }

    private static void Add(TransactionalBatch batch, string partition, WriteOperation write, DateTimeOffset now, Dictionary<string, string> replaceExpired)
    {
        switch (write)
        {
            case PutDocument put when put.IfMatch is null && replaceExpired.TryGetValue(put.Id, out var expiredETag):
                batch.ReplaceItemStream(put.Id, CosmosItems.Document(partition, put, now), IfMatch(expiredETag));
                break;
            case PutDocument { IfMatch: null } put:
                batch.CreateItemStream(CosmosItems.Document(partition, put, now));
                break;
            case PutDocument { IfMatch: PutDocument.Any } put:
                batch.UpsertItemStream(CosmosItems.Document(partition, put, now));
                break;
            case PutDocument put:
                batch.ReplaceItemStream(put.Id, CosmosItems.Document(partition, put, now), IfMatch(put.IfMatch));
                break;
            case DeleteDocument { IfMatch: null or PutDocument.Any } delete:
                batch.DeleteItem(delete.Id);
                break;
            case DeleteDocument delete:
                batch.DeleteItem(delete.Id, IfMatch(delete.IfMatch));
                break;
            default:
                throw new ArgumentException($"unknown write {write.GetType().Name}", nameof(write));
        }
    }

    private static TransactionalBatchItemRequestOptions IfMatch(string? etag) => new() { IfMatchEtag = etag };

    /// <summary>The index of the operation that failed the batch (the others answer 424), or -1.</summary>
    private static int FirstFailure(TransactionalBatchResponse response)
    {
        for (var i = 0; i < response.Count; i++)
        {
            if (!response[i].IsSuccessStatusCode && response[i].StatusCode != HttpStatusCode.FailedDependency)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsTransientResult(HttpStatusCode status) => CosmosResilience.IsTransient(status);

    private static CommitConflict Conflict(CallState call, string id, string reason)
    {
        call.Outcome = "conflict";
        return new CommitConflict(id, $"{id}: {reason}");
    }

    /// <summary>The ETag of a document that exists but has expired by the store's clock, else null.</summary>
    private async Task<string?> ExpiredVersionAsync(string partition, string id, CallState call, CancellationToken cancellationToken)
    {
        using var response = await _container.ReadItemStreamAsync(id, new PartitionKey(partition), cancellationToken: cancellationToken);
        call.Charge(response.Headers.RequestCharge);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        CosmosResilience.EnsureSuccess(response, "read");
        using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        return CosmosItems.ToDocument(json.RootElement, _time.GetUtcNow()) is null
            ? json.RootElement.GetProperty("_etag").GetString()
            : null;
    }

    private async Task<List<StoredDocument>> QueryAllAsync(QueryDefinition query, string partition, CallState call, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var documents = new List<StoredDocument>();
        using var iterator = _container.GetItemQueryStreamIterator(
            query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partition), MaxItemCount = 1000 });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            call.Charge(response.Headers.RequestCharge);
            CosmosResilience.EnsureSuccess(response, "query");
            using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
            foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray())
            {
                if (CosmosItems.ToDocument(item, now) is { } document)
                {
                    documents.Add(document);
                }
            }
        }

        return documents;
    }

    /// <summary>Runs one store operation with retries, metrics and slow-request logging.</summary>
    private async Task<T> RunAsync<T>(string operation, string? partition, Func<CallState, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var call = new CallState();
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await _retry.ExecuteAsync(
                static async (state, token) =>
                {
                    state.Call.Attempts++;
                    return await state.Action(state.Call, token);
                },
                (Call: call, Action: action),
                cancellationToken);
        }
        catch (TransientCosmosException ex)
        {
            call.Outcome = "unavailable";
            throw Unavailable(operation, partition, call, ex.Status is { } s ? $"{(int)s} {s}" : ex.Message, ex);
        }
        catch (HttpRequestException ex)
        {
            call.Outcome = "unavailable";
            throw Unavailable(operation, partition, call, "the service could not be reached", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            call.Outcome = "unavailable";
            throw Unavailable(operation, partition, call, "timed out", ex);
        }
        catch (Exception) when (call.Outcome == "ok")
        {
            call.Outcome = "error";
            throw;
        }
        finally
        {
            Record(operation, partition, call, CosmosResilience.Milliseconds(started));
        }
    }

    private static StoreUnavailableException Unavailable(string operation, string? partition, CallState call, string reason, Exception inner) => new(
        $"Cosmos DB is unavailable: {operation}{(partition is null ? "" : $" on partition '{partition}'")} failed after {call.Attempts} attempt(s): {reason}. Nothing was written by a failed commit; the caller may retry.",
        inner);

    private void Record(string operation, string? partition, CallState call, double elapsedMs)
    {
        var tags = new TagList { { "operation", operation }, { "outcome", call.Outcome } };
        CosmosMetrics.RequestCharge.Record(call.RequestCharge, tags);
        CosmosMetrics.Duration.Record(elapsedMs, tags);
        if (elapsedMs >= _options.SlowRequestThreshold.TotalMilliseconds)
        {
            _logger.LogWarning(
                "Slow Cosmos DB {Operation} on {Partition}: {ElapsedMs:F1} ms, {RequestCharge:F2} RU, {Attempts} attempt(s), outcome {Outcome}",
                operation,
                partition ?? "(change feed)",
                elapsedMs,
                call.RequestCharge,
                call.Attempts,
                call.Outcome);
        }
    }

    private sealed class CallState
    {
        public double RequestCharge { get; private set; }

        public int Attempts { get; set; }

        public string Outcome { get; set; } = "ok";

        public void Charge(double requestCharge) => RequestCharge += requestCharge;
    }
}
