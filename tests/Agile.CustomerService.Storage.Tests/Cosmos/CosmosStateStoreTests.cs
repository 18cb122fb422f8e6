using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace Agile.CustomerService.Storage.Tests.Cosmos;

/// <summary>
/// What only the Cosmos adapter has: the item shape in the container, and behaviour under faults
/// injected in the client's request pipeline (throttling, unavailability, timeouts, races).
/// </summary>
public sealed class CosmosStateStoreTests(CosmosStoreFixture fixture) : IClassFixture<CosmosStoreFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CosmosStateStore Store => fixture.CosmosStore;

    public void Dispose() => fixture.Faults.Reset();

    [Fact]
    public async Task Commit_Document_IsStoredAsQueryableItemWithEpochDueTimeAndTtl()
    {
        var partition = NewCustomer();
        var due = fixture.Time.GetUtcNow().AddMinutes(5);

        await Store.CommitAsync(
            partition,
            [new PutDocument("command:c-1", Kinds.Command, """{"status":"done","teamId":"t-1"}""", null, due, TimeSpan.FromMinutes(90))],
            [],
            Ct);

        using var item = await ReadRawAsync(partition, "command:c-1");
        var root = item.RootElement;
        Assert.Equal(partition, root.GetProperty("pk").GetString());
        Assert.Equal(Kinds.Command, root.GetProperty("kind").GetString());
        Assert.Equal(due.ToUnixTimeMilliseconds(), root.GetProperty("dueAt").GetInt64());
        Assert.Equal(5400, root.GetProperty("ttl").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("body").ValueKind);
        Assert.Equal("done", root.GetProperty("body").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Commit_OutboxEvent_IsAnEventItemInTheSamePartition()
    {
        var partition = NewCustomer();

        await Store.CommitAsync(partition, [], [new OutboxEvent("e-1", "CaseOpened", """{"caseId":"c-1"}""", "corr-1")], Ct);

        using var item = await ReadRawAsync(partition, "event:e-1");
        Assert.Equal("event", item.RootElement.GetProperty("kind").GetString());
        Assert.Equal("CaseOpened", item.RootElement.GetProperty("type").GetString());
        Assert.Equal("c-1", item.RootElement.GetProperty("body").GetProperty("caseId").GetString());
    }

    [Fact]
    public async Task Commit_ThrottledWithRetryAfter_IsRetriedAfterTheServersDelayAndSucceeds()
    {
        var partition = NewCustomer();
        var attempts = new List<long>();
        fixture.Faults.OnSend = async (request, next) =>
        {
            if (!FaultInjectionHandler.IsBatch(request))
            {
                return await next();
            }

            attempts.Add(Stopwatch.GetTimestamp());
            return attempts.Count == 1 ? Throttled(retryAfterMs: 40) : await next();
        };

        var result = await Store.CommitAsync(partition, [Put("customer")], [Event("e-1")], Ct);

        Assert.IsType<Committed>(result);
        Assert.Equal(2, attempts.Count);
        Assert.True(Stopwatch.GetElapsedTime(attempts[0], attempts[1]) >= TimeSpan.FromMilliseconds(35), "the retry came before the server's retry-after");
        Assert.NotNull(await fixture.OtherWriter.ReadAsync(partition, "customer", Ct));
    }

    [Fact]
    public async Task Commit_PersistentlyUnavailable_ThrowsStoreUnavailableAndWritesNothing()
    {
        var partition = NewCustomer();
        fixture.Faults.OnSend = (request, next) => FaultInjectionHandler.IsBatch(request)
            ? Task.FromResult(new ResponseMessage(HttpStatusCode.ServiceUnavailable))
            : next();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => Store.CommitAsync(partition, [Put("customer")], [Event("e-1")], Ct));

        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Contains("commit", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + fixture.Options.MaxRetryAttempts, fixture.Faults.Batches);
        Assert.Null(await fixture.OtherWriter.ReadAsync(partition, "customer", Ct));
    }

    [Fact]
    public async Task Read_PersistentlyUnavailable_ThrowsStoreUnavailable()
    {
        var partition = NewCustomer();
        fixture.Faults.OnSend = (request, next) => FaultInjectionHandler.IsPointRead(request)
            ? Task.FromResult(new ResponseMessage(HttpStatusCode.ServiceUnavailable))
            : next();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.ReadAsync(partition, "customer", Ct));

        Assert.Contains("unavailable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TimingOutEveryTime_ThrowsStoreUnavailableSayingSo()
    {
        var partition = NewCustomer();
        fixture.Faults.OnSend = (request, next) => FaultInjectionHandler.IsPointRead(request)
            ? throw new OperationCanceledException("request timed out (injected)")
            : next();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.ReadAsync(partition, "customer", Ct));

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_TimedOutOnce_IsRetriedAndSucceeds()
    {
        var partition = NewCustomer();
        var faulted = 0;
        fixture.Faults.OnSend = (request, next) => FaultInjectionHandler.IsBatch(request) && Interlocked.Increment(ref faulted) == 1
            ? Task.FromResult(new ResponseMessage(HttpStatusCode.RequestTimeout))
            : next();

        var result = await Store.CommitAsync(partition, [Put("customer")], [], Ct);

        Assert.IsType<Committed>(result);
        Assert.Equal(2, fixture.Faults.Batches);
    }

    [Fact]
    public async Task Commit_RacedByAConcurrentWriter_ReturnsConflictAndWritesNothing()
    {
        var partition = NewCustomer();
        var created = await Commit(partition, Put("customer"));
        var raced = 0;
        fixture.Faults.OnSend = async (request, next) =>
        {
            if (FaultInjectionHandler.IsBatch(request) && Interlocked.Increment(ref raced) == 1)
            {
                // another instance commits between our read and our write: ours is now stale (412)
                await fixture.OtherWriter.CommitAsync(partition, [Put("customer", created.ETags["customer"], """{"by":"other"}""")], [], Ct);
            }

            return await next();
        };

        var result = await Store.CommitAsync(
            partition, [Put("case-1"), Put("customer", created.ETags["customer"], """{"by":"us"}""")], [Event("ours")], Ct);

        Assert.IsType<CommitConflict>(result);
        Assert.Null(await fixture.OtherWriter.ReadAsync(partition, "case-1", Ct));
        Assert.Contains("other", (await fixture.OtherWriter.ReadAsync(partition, "customer", Ct))!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_AnswerLostAfterTheServerApplied_LeavesTheWholeCommitOnceNotPart()
    {
        var partition = NewCustomer();
        var lost = 0;
        fixture.Faults.OnSend = async (request, next) =>
        {
            var response = await next();
            if (FaultInjectionHandler.IsBatch(request) && Interlocked.Increment(ref lost) == 1)
            {
                response.Dispose();
                return new ResponseMessage(HttpStatusCode.RequestTimeout);
            }

            return response;
        };

        var result = await Store.CommitAsync(partition, [Put("customer"), Put("case-1")], [Event("e-1"), Event("e-2")], Ct);

        // The retry finds its own create already there: a conflict the caller resolves by reloading.
        Assert.IsType<CommitConflict>(result);
        Assert.NotNull(await fixture.OtherWriter.ReadAsync(partition, "customer", Ct));
        Assert.NotNull(await fixture.OtherWriter.ReadAsync(partition, "case-1", Ct));
        var events = await fixture.OtherWriter.QueryAsync(partition, "event", Ct);
        Assert.Equal(["event:e-1", "event:e-2"], events.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Commit_WithMoreThanOneBatchOfOperations_IsRejectedBeforeAnyWrite()
    {
        var partition = NewCustomer();
        var writes = Enumerable.Range(0, 101).Select(i => (WriteOperation)Put($"case-{i}")).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(partition, writes, [], Ct));

        Assert.Equal(0, fixture.Faults.Batches);
    }

    [Fact]
    public async Task Commit_RecordsRequestChargeAndDurationOnTheMeter()
    {
        var partition = NewCustomer();
        var measurements = new List<(string Instrument, double Value, string? Operation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CosmosMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var operation = tags.ToArray().FirstOrDefault(t => t.Key == "operation").Value as string;
            if (operation == "commit")
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, value, operation));
                }
            }
        });
        listener.Start();

        await Store.CommitAsync(partition, [Put("customer")], [Event("e-1")], Ct);

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "agilecs.cosmos.request_charge" && m.Value > 0);
            Assert.Contains(measurements, m => m.Instrument == "agilecs.cosmos.duration" && m.Value > 0);
        }
    }

    [Fact]
    public async Task Commit_SlowerThanTheThreshold_IsLoggedAsAWarning()
    {
        var partition = NewCustomer();
        fixture.Faults.OnSend = (request, next) => FaultInjectionHandler.IsBatch(request) && fixture.Faults.Batches == 1
            ? Task.FromResult(Throttled(retryAfterMs: 250))
            : next();

        await Store.CommitAsync(partition, [Put("customer")], [], Ct);

        Assert.Contains(
            fixture.Logs.Entries,
            e => e.Level == LogLevel.Warning && e.Message.Contains("Slow Cosmos DB commit", StringComparison.Ordinal)
                && e.Message.Contains(partition, StringComparison.Ordinal));
    }

    private static string NewCustomer() => Partitions.Customer(Guid.NewGuid().ToString("N"));

    private static PutDocument Put(string id, string? ifMatch = null, string json = "{}") => new(id, Kinds.Customer, json, ifMatch);

    private static OutboxEvent Event(string id) => new(id, "Something", "{}", null);

    private static ResponseMessage Throttled(int retryAfterMs)
    {
        var response = new ResponseMessage((HttpStatusCode)429);
        response.Headers["x-ms-retry-after-ms"] = retryAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response;
    }

    private async Task<Committed> Commit(string partition, params WriteOperation[] writes) =>
        Assert.IsType<Committed>(await Store.CommitAsync(partition, writes, [], Ct));

    private async Task<JsonDocument> ReadRawAsync(string partition, string id)
    {
        using var response = await fixture.Container.ReadItemStreamAsync(id, new PartitionKey(partition), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonDocument.ParseAsync(response.Content, cancellationToken: Ct);
    }
}
