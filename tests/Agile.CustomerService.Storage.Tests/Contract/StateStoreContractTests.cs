using System.Text.Json.Nodes;
using Agile.CustomerService.Application.Storage;
using CsCheck;

namespace Agile.CustomerService.Storage.Tests.Contract;

/// <summary>
/// The storage port's contract, run against every adapter. Each test works in partitions of its
/// own, so the tests of one class share a store without seeing each other's documents.
/// </summary>
public abstract class StateStoreContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IStoreFixture
{
    private static readonly IReadOnlyList<OutboxEvent> NoEvents = [];

    protected IStateStore Store => fixture.Store;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_CreateOfNewDocument_StoresItWithTheReturnedETag()
    {
        var partition = NewCustomer();
        var json = """{"name":"Ada","tags":["vip","emea"],"open":3,"nested":{"ok":true,"note":"Grüße ✓"}}""";

        var result = await Store.CommitAsync(partition, [Put("customer", json)], NoEvents, Ct);

        var committed = Assert.IsType<Committed>(result);
        var stored = await Store.ReadAsync(partition, "customer", Ct);
        Assert.NotNull(stored);
        Assert.Equal(committed.ETags["customer"], stored.ETag);
        Assert.Equal(Kinds.Customer, stored.Kind);
        Assert.Equal(partition, stored.Partition);
        AssertSameJson(json, stored.Json);
    }

    [Fact]
    public async Task Commit_ReturnedETag_IsAValidHttpEntityTag()
    {
        var partition = NewCustomer();

        var committed = await CommitAsync(partition, Put("customer", "{}"));

        Assert.True(
            System.Net.Http.Headers.EntityTagHeaderValue.TryParse(committed.ETags["customer"], out var tag) && !tag.IsWeak,
            $"'{committed.ETags["customer"]}' cannot be sent as an HTTP ETag");
    }

    [Fact]
    public async Task Read_MissingDocument_ReturnsNull()
    {
        var partition = NewCustomer();

        var stored = await Store.ReadAsync(partition, "nothing-here", Ct);

        Assert.Null(stored);
    }

    [Fact]
    public async Task ReadMany_ReturnsEachAsReadWouldInTheOrderAskedAndNullForMissingOrExpired()
    {
        var partition = NewCustomer();
        var other = NewCustomer();
        await CommitAsync(partition, Put("customer", """{"v":1}"""), Put("case-1", """{"c":1}""", kind: Kinds.Case));
        await CommitAsync(partition, Put("command:k-1", "{}", kind: Kinds.Command, ttl: TimeSpan.FromMinutes(10)));
        await CommitAsync(other, Put("case-2", """{"c":2}""", kind: Kinds.Case));
        fixture.Time.Advance(TimeSpan.FromMinutes(11));

        var read = await Store.ReadManyAsync(partition, ["case-1", "nothing-here", "customer", "command:k-1", "case-2"], Ct);

        Assert.Equal(5, read.Count);
        Assert.Equivalent(await Store.ReadAsync(partition, "case-1", Ct), read[0], strict: true);
        Assert.Null(read[1]);
        Assert.Equivalent(await Store.ReadAsync(partition, "customer", Ct), read[2], strict: true);
        Assert.Null(read[3]); // expired
        Assert.Null(read[4]); // another partition's
        AssertSameJson("""{"c":1}""", read[0]!.Json);
        Assert.Equal(Kinds.Customer, read[2]!.Kind);
    }

    [Fact]
    public async Task ReadMany_NoIds_ReturnsAnEmptyList()
    {
        var read = await Store.ReadManyAsync(NewCustomer(), [], Ct);

        Assert.Empty(read);
    }

    [Fact]
    public async Task Commit_CreateOfExistingId_ReturnsConflictAndKeepsTheFirst()
    {
        var partition = NewCustomer();
        await CommitAsync(partition, Put("customer", """{"v":1}"""));

        var result = await Store.CommitAsync(partition, [Put("customer", """{"v":2}""")], NoEvents, Ct);

        var conflict = Assert.IsType<CommitConflict>(result);
        Assert.Equal("customer", conflict.Id);
        AssertSameJson("""{"v":1}""", (await Store.ReadAsync(partition, "customer", Ct))!.Json);
    }

    [Fact]
    public async Task Commit_WithCurrentETag_ReplacesTheDocumentAndChangesItsETag()
    {
        var partition = NewCustomer();
        var first = await CommitAsync(partition, Put("customer", """{"v":1}"""));

        var result = await Store.CommitAsync(partition, [Put("customer", """{"v":2}""", first.ETags["customer"])], NoEvents, Ct);

        var second = Assert.IsType<Committed>(result);
        Assert.NotEqual(first.ETags["customer"], second.ETags["customer"]);
        var stored = await Store.ReadAsync(partition, "customer", Ct);
        AssertSameJson("""{"v":2}""", stored!.Json);
        Assert.Equal(second.ETags["customer"], stored.ETag);
    }

    [Fact]
    public async Task Commit_WithStaleETag_ReturnsConflictAndWritesNothing()
    {
        var partition = NewCustomer();
        var first = await CommitAsync(partition, Put("customer", """{"v":1}"""));
        await CommitAsync(partition, Put("customer", """{"v":2}""", first.ETags["customer"]));

        var result = await Store.CommitAsync(
            partition, [Put("customer", """{"v":3}""", first.ETags["customer"])], [Event("stale-write")], Ct);

        var conflict = Assert.IsType<CommitConflict>(result);
        Assert.Equal("customer", conflict.Id);
        AssertSameJson("""{"v":2}""", (await Store.ReadAsync(partition, "customer", Ct))!.Json);
        Assert.DoesNotContain(await ReadAllChangesAsync(partition), c => c.Event.EventId == "stale-write");
    }

    [Fact]
    public async Task Commit_ReplaceOfMissingDocument_ReturnsConflict()
    {
        var partition = NewCustomer();

        var result = await Store.CommitAsync(partition, [Put("customer", """{"v":1}""", "\"an-etag-never-issued\"")], NoEvents, Ct);

        Assert.IsType<CommitConflict>(result);
        Assert.Null(await Store.ReadAsync(partition, "customer", Ct));
    }

    [Fact]
    public async Task Commit_Upsert_CreatesAndThenOverwritesWithoutETag()
    {
        var partition = NewCustomer();
        await CommitAsync(partition, Put("customer", """{"v":1}""", PutDocument.Any));

        var result = await Store.CommitAsync(partition, [Put("customer", """{"v":2}""", PutDocument.Any)], NoEvents, Ct);

        Assert.IsType<Committed>(result);
        AssertSameJson("""{"v":2}""", (await Store.ReadAsync(partition, "customer", Ct))!.Json);
    }

    [Fact]
    public async Task Commit_Delete_RemovesTheDocument()
    {
        var partition = NewCustomer();
        var created = await CommitAsync(partition, Put("case-1", """{"v":1}"""));

        var result = await Store.CommitAsync(partition, [new DeleteDocument("case-1", created.ETags["case-1"])], NoEvents, Ct);

        Assert.IsType<Committed>(result);
        Assert.Null(await Store.ReadAsync(partition, "case-1", Ct));
    }

    [Fact]
    public async Task Commit_DeleteOfMissingDocument_IsNotAnErrorAndTheOtherWritesApply()
    {
        var partition = NewCustomer();

        var result = await Store.CommitAsync(
            partition, [new DeleteDocument("never-existed"), Put("customer", """{"v":1}""")], [Event("after-delete")], Ct);

        Assert.IsType<Committed>(result);
        Assert.NotNull(await Store.ReadAsync(partition, "customer", Ct));
        Assert.Contains(await ReadAllChangesAsync(partition), c => c.Event.EventId == "after-delete");
    }

    [Fact]
    public async Task Commit_DeleteWithStaleETag_ReturnsConflictAndKeepsTheDocument()
    {
        var partition = NewCustomer();
        var first = await CommitAsync(partition, Put("case-1", """{"v":1}"""));
        await CommitAsync(partition, Put("case-1", """{"v":2}""", first.ETags["case-1"]));

        var result = await Store.CommitAsync(partition, [new DeleteDocument("case-1", first.ETags["case-1"])], NoEvents, Ct);

        Assert.IsType<CommitConflict>(result);
        AssertSameJson("""{"v":2}""", (await Store.ReadAsync(partition, "case-1", Ct))!.Json);
    }

    [Fact]
    public async Task Commit_SeveralDocumentsWithEvents_StoresAllOfThemTogether()
    {
        var partition = NewCustomer();

        var result = await Store.CommitAsync(
            partition,
            [Put("customer", """{"owner":"team-a"}"""), Put("case-1", """{"status":"new"}""", kind: Kinds.Case), Put("command:c1", "{}", kind: Kinds.Command)],
            [Event("e1", "CaseOpened"), Event("e2", "CustomerAssigned")],
            Ct);

        var committed = Assert.IsType<Committed>(result);
        Assert.Equal(["case-1", "command:c1", "customer"], committed.ETags.Keys.Order(StringComparer.Ordinal));
        Assert.NotNull(await Store.ReadAsync(partition, "case-1", Ct));
        Assert.NotNull(await Store.ReadAsync(partition, "command:c1", Ct));
        Assert.Equal(["e1", "e2"], (await ReadAllChangesAsync(partition)).Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task Commit_ConflictOnOneWrite_StoresNoneOfTheWritesAndNoneOfTheEvents()
    {
        var partition = NewCustomer();
        var existing = await CommitAsync(partition, Put("case-1", """{"v":1}"""));
        await CommitAsync(partition, Put("case-1", """{"v":2}""", existing.ETags["case-1"]));

        var result = await Store.CommitAsync(
            partition,
            [Put("customer", """{"v":1}"""), Put("case-2", """{"v":1}"""), Put("case-1", """{"v":3}""", existing.ETags["case-1"])],
            [Event("never-1"), Event("never-2")],
            Ct);

        var conflict = Assert.IsType<CommitConflict>(result);
        Assert.Equal("case-1", conflict.Id);
        Assert.Null(await Store.ReadAsync(partition, "customer", Ct));
        Assert.Null(await Store.ReadAsync(partition, "case-2", Ct));
        AssertSameJson("""{"v":2}""", (await Store.ReadAsync(partition, "case-1", Ct))!.Json);
        Assert.Empty(await ReadAllChangesAsync(partition));
    }

    [Fact]
    public async Task Commit_ManyConcurrentCreatesOfOneId_ExactlyOneWinsAndOnlyItsEventIsLogged()
    {
        var partition = NewCustomer();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            Store.CommitAsync(partition, [Put("case-1", $$"""{"by":{{i}}}""", kind: Kinds.Case)], [Event($"opened-{i}")], Ct))));

        var winner = Assert.Single(results.Select((r, i) => (Result: r, By: i)), r => r.Result is Committed).By;
        Assert.All(results.Where(r => r is not Committed), r => Assert.IsType<CommitConflict>(r));
        AssertSameJson($$"""{"by":{{winner}}}""", (await Store.ReadAsync(partition, "case-1", Ct))!.Json);
        Assert.Equal([$"opened-{winner}"], (await ReadAllChangesAsync(partition)).Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task Commit_ManyConcurrentCommitsOfSeparateDocuments_AllStoredWithTheirEventsInTheirOrder()
    {
        var partitions = Enumerable.Range(0, 8).Select(_ => NewCustomer()).ToList();

        var results = await Task.WhenAll(partitions.Select(partition => Task.Run(async () =>
        {
            var mine = new List<CommitResult>();
            for (var i = 0; i < 5; i++)
            {
                mine.Add(await Store.CommitAsync(partition, [Put($"case-{i}", "{}", kind: Kinds.Case)], [Event($"e{i}")], Ct));
            }

            return mine;
        })));

        Assert.All(results.SelectMany(r => r), r => Assert.IsType<Committed>(r));
        var changes = await ReadAllChangesAsync([.. partitions]);
        Assert.All(partitions, p => Assert.Equal(["e0", "e1", "e2", "e3", "e4"], changes.Where(c => c.Partition == p).Select(c => c.Event.EventId)));
    }

    [Fact]
    public async Task Commit_EventRecord_CarriesTypePayloadCorrelationAndCommitTime()
    {
        var partition = NewCustomer();
        var committedAt = fixture.Time.GetUtcNow();

        await Store.CommitAsync(partition, [], [new OutboxEvent("e-1", "CaseOpened", """{"caseId":"c-1","at":"2026-01-02T03:04:05Z"}""", "corr-9")], Ct);

        var change = Assert.Single(await ReadAllChangesAsync(partition));
        Assert.Equal(partition, change.Partition);
        Assert.Equal("CaseOpened", change.Event.Type);
        Assert.Equal("corr-9", change.Event.CorrelationId);
        AssertSameJson("""{"caseId":"c-1","at":"2026-01-02T03:04:05Z"}""", change.Event.Json);
        Assert.Equal(committedAt.ToUnixTimeMilliseconds(), change.CommittedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task ReadChanges_AfterInterleavedCommits_ReturnsEachPartitionsEventsInCommitOrder()
    {
        var a = NewCustomer();
        var b = NewCustomer();
        await Store.CommitAsync(a, [Put("customer", "{}")], [Event("a1"), Event("a2")], Ct);
        await Store.CommitAsync(b, [Put("customer", "{}")], [Event("b1")], Ct);
        await Store.CommitAsync(a, [Put("case-1", "{}")], [Event("a3")], Ct);
        await Store.CommitAsync(b, [], [Event("b2"), Event("b3"), Event("b4")], Ct);
        await Store.CommitAsync(a, [], [Event("a4")], Ct);

        var changes = await ReadAllChangesAsync(a, b);

        Assert.Equal(["a1", "a2", "a3", "a4"], changes.Where(c => c.Partition == a).Select(c => c.Event.EventId));
        Assert.Equal(["b1", "b2", "b3", "b4"], changes.Where(c => c.Partition == b).Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task ReadChanges_ResumedFromEachContinuation_ReturnsEveryEventExactlyOnce()
    {
        var partition = NewCustomer();
        for (var i = 0; i < 7; i++)
        {
            await Store.CommitAsync(partition, [Put($"case-{i}", "{}")], [Event($"e{i}")], Ct);
        }

        var (first, position) = await DrainAsync(null, 2, partition);
        await Store.CommitAsync(partition, [], [Event("late-1"), Event("late-2")], Ct);
        var (second, _) = await DrainAsync(position, 2, partition);

        Assert.Equal(["e0", "e1", "e2", "e3", "e4", "e5", "e6"], first.Select(c => c.Event.EventId));
        Assert.Equal(["late-1", "late-2"], second.Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task ReadChanges_WithNothingNew_ReturnsAnEmptyPageAndAContinuationThatStillWorks()
    {
        var partition = NewCustomer();
        await Store.CommitAsync(partition, [], [Event("only")], Ct);
        var (_, position) = await DrainAsync(null, 50, partition);

        var empty = await Store.ReadChangesAsync(position, 50, Ct);
        await Store.CommitAsync(partition, [], [Event("next")], Ct);
        var (after, _) = await DrainAsync(empty.Continuation, 50, partition);

        Assert.DoesNotContain(empty.Changes, c => c.Partition == partition);
        Assert.Equal(["next"], after.Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task ReadChanges_AfterManyCommitsWithoutEvents_StillReachesTheNextEventInOneCall()
    {
        var partition = NewCustomer();
        var (_, position) = await DrainAsync(null, 100, partition);
        for (var i = 0; i < 30; i++)
        {
            await CommitAsync(partition, Put($"board-{i}", "{}", PutDocument.Any, Kinds.Board));
        }

        await Store.CommitAsync(partition, [], [Event("after-the-quiet")], Ct);
        var page = await Store.ReadChangesAsync(position, 5, Ct);

        Assert.Equal(["after-the-quiet"], page.Changes.Where(c => c.Partition == partition).Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task ReadChanges_AnyCommitSequenceAndPageSize_DeliversEachPartitionsEventsOnceInOrder()
    {
        var commits = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Bool).Array[1, 10];

        await Gen.Select(commits, Gen.Int[1, 4]).SampleAsync(
            async (sequence, pageSize) =>
            {
                var partitions = new[] { NewCustomer(), NewCustomer(), NewCustomer() };
                var (_, start) = await DrainAsync(null, 100, partitions);
                var expected = partitions.ToDictionary(p => p, _ => new List<string>());
                for (var n = 0; n < sequence.Length; n++)
                {
                    var (target, eventCount, withState) = sequence[n];
                    var partition = partitions[target];
                    var events = Enumerable.Range(0, eventCount).Select(k => Event($"c{n}-e{k}")).ToList();
                    WriteOperation[] writes = withState ? [Put($"doc-{n}", "{}", PutDocument.Any)] : [];
                    Assert.IsType<Committed>(await Store.CommitAsync(partition, writes, events, Ct));
                    expected[partition].AddRange(events.Select(e => e.EventId));
                }

                var (seen, _) = await DrainAsync(start, pageSize, partitions);

                foreach (var partition in partitions)
                {
                    Assert.Equal(expected[partition], seen.Where(c => c.Partition == partition).Select(c => c.Event.EventId));
                }
            },
            iter: 12,
            threads: 1);
    }

    [Fact]
    public async Task Commit_IdempotencyRecordWithTimeToLive_IsReadableUntilItExpires()
    {
        var partition = NewCustomer();
        await CommitAsync(partition, Put("command:c-1", """{"outputs":[]}""", kind: Kinds.Command, ttl: TimeSpan.FromHours(1)));
        var beforeExpiry = await Store.ReadAsync(partition, "command:c-1", Ct);

        fixture.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var afterExpiry = await Store.ReadAsync(partition, "command:c-1", Ct);

        Assert.NotNull(beforeExpiry);
        Assert.Null(afterExpiry);
    }

    [Fact]
    public async Task Commit_CreateOverAnExpiredRecord_Succeeds()
    {
        var partition = NewCustomer();
        await CommitAsync(partition, Put("command:c-1", """{"run":1}""", kind: Kinds.Command, ttl: TimeSpan.FromMinutes(10)));
        fixture.Time.Advance(TimeSpan.FromMinutes(11));

        var result = await Store.CommitAsync(partition, [Put("command:c-1", """{"run":2}""", kind: Kinds.Command)], NoEvents, Ct);

        Assert.IsType<Committed>(result);
        AssertSameJson("""{"run":2}""", (await Store.ReadAsync(partition, "command:c-1", Ct))!.Json);
    }

    [Fact]
    public async Task Query_ByKind_ReturnsOnlyThatKindFromThatPartition()
    {
        var partition = NewCustomer();
        var other = NewCustomer();
        await CommitAsync(partition, Put("customer", "{}"), Put("case-2", "{}", kind: Kinds.Case), Put("case-1", "{}", kind: Kinds.Case));
        await CommitAsync(other, Put("case-9", "{}", kind: Kinds.Case));

        var cases = await Store.QueryAsync(partition, Kinds.Case, Ct);

        Assert.Equal(["case-1", "case-2"], cases.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(cases, d => Assert.Equal(Kinds.Case, d.Kind));
    }

    [Fact]
    public async Task QueryDue_ReturnsDueDocumentsEarliestFirstUpToMax()
    {
        var shard = Partitions.TimerShard(Random.Shared.Next(Partitions.TimerShards)) + ":" + Guid.NewGuid().ToString("N");
        var now = fixture.Time.GetUtcNow();
        await CommitAsync(
            shard,
            Put("t-late", "{}", kind: Kinds.Timer, due: now.AddMinutes(-1)),
            Put("t-first", "{}", kind: Kinds.Timer, due: now.AddMinutes(-30)),
            Put("t-second", "{}", kind: Kinds.Timer, due: now.AddMinutes(-10)),
            Put("t-future", "{}", kind: Kinds.Timer, due: now.AddMinutes(5)));

        var due = await Store.QueryDueAsync(shard, Kinds.Timer, now, 2, Ct);

        Assert.Equal(["t-first", "t-second"], due.Select(d => d.Id));
        Assert.Equal(now.AddMinutes(-30).ToUnixTimeMilliseconds(), due[0].DueAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task QueryDue_LeavesOutFutureUndatedAndOtherKinds()
    {
        var shard = Partitions.TimerShard(3) + ":" + Guid.NewGuid().ToString("N");
        var now = fixture.Time.GetUtcNow();
        await CommitAsync(
            shard,
            Put("t-due", "{}", kind: Kinds.Timer, due: now),
            Put("t-future", "{}", kind: Kinds.Timer, due: now.AddMilliseconds(1)),
            Put("t-undated", "{}", kind: Kinds.Timer),
            Put("other-kind", "{}", kind: Kinds.Checkpoint, due: now.AddDays(-1)));

        var due = await Store.QueryDueAsync(shard, Kinds.Timer, now, 10, Ct);

        Assert.Equal(["t-due"], due.Select(d => d.Id));
    }

    [Fact]
    public async Task QueryDue_WithEarlierTimersInOtherPartitions_ReturnsThisPartitionsOwn()
    {
        var shard = Partitions.TimerShard(5) + ":" + Guid.NewGuid().ToString("N");
        var otherShard = Partitions.TimerShard(6) + ":" + Guid.NewGuid().ToString("N");
        var now = fixture.Time.GetUtcNow();
        await CommitAsync(otherShard, Put("t-a", "{}", kind: Kinds.Timer, due: now.AddHours(-3)), Put("t-b", "{}", kind: Kinds.Timer, due: now.AddHours(-2)));
        await CommitAsync(shard, Put("t-mine", "{}", kind: Kinds.Timer, due: now.AddMinutes(-1)));

        var due = await Store.QueryDueAsync(shard, Kinds.Timer, now, 1, Ct);

        Assert.Equal(["t-mine"], due.Select(d => d.Id));
    }

    protected static string NewCustomer() => Partitions.Customer(Guid.NewGuid().ToString("N"));

    protected static PutDocument Put(
        string id, string json, string? ifMatch = null, string kind = Kinds.Customer, DateTimeOffset? due = null, TimeSpan? ttl = null) =>
        new(id, kind, json, ifMatch, due, ttl);

    protected static OutboxEvent Event(string id, string type = "Something") => new(id, type, $$"""{"id":"{{id}}"}""", null);

    protected static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}");

    protected async Task<Committed> CommitAsync(string partition, params WriteOperation[] writes) =>
        Assert.IsType<Committed>(await Store.CommitAsync(partition, writes, NoEvents, Ct));

    /// <summary>Every event of the given partitions from the start of the change log.</summary>
    protected async Task<List<ChangeRecord>> ReadAllChangesAsync(params string[] partitions) =>
        (await DrainAsync(null, 100, partitions)).Changes;

    /// <summary>Reads pages until an empty one; the events of the given partitions, and where to go on from.</summary>
    protected async Task<(List<ChangeRecord> Changes, string? Continuation)> DrainAsync(string? continuation, int max, params string[] partitions)
    {
        var changes = new List<ChangeRecord>();
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await Store.ReadChangesAsync(continuation, max, Ct);
            continuation = page.Continuation;
            if (page.Changes.Count == 0)
            {
                return (changes, continuation);
            }

            changes.AddRange(page.Changes.Where(c => partitions.Contains(c.Partition)));
        }

        throw new InvalidOperationException("the change log did not end");
    }
}
