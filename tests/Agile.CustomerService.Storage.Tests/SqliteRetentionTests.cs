using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>
/// What the embedded store removes by itself: outbox events only when every change-feed reader
/// has read past them and they are older than the retention (the change log reads on unchanged
/// afterwards), and documents whose time to live has passed; a bounded number per call.
/// </summary>
public sealed class SqliteRetentionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteTempFile _file = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SqliteStateStore _store;

    public SqliteRetentionTests() => _store = new SqliteStateStore(_file.Path, _time);

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    [Fact]
    public async Task Purge_EventsReadByEveryReaderAndOlderThanTheCutOff_AreRemovedAndTheRestStay()
    {
        await CommitEventsAsync("old-1", "old-2", "old-3");
        _time.Advance(TimeSpan.FromDays(8));
        await CommitEventsAsync("new-1");
        var all = await _store.ReadChangesAsync(null, 100, CancellationToken.None);
        var afterOld2 = await _store.ReadChangesAsync(null, 2, CancellationToken.None);

        // One reader has read everything, the other only the first two events.
        var removed = await _store.PurgeDeliveredEventsAsync(
            [all.Continuation, afterOld2.Continuation], _time.GetUtcNow() - TimeSpan.FromDays(7), 100, CancellationToken.None);

        Assert.Equal(2, removed);
        Assert.Equal(["old-3", "new-1"], await EventIdsAsync(null));
        Assert.Equal(["old-3", "new-1"], await EventIdsAsync(afterOld2.Continuation));
    }

    [Fact]
    public async Task Purge_EventsNewerThanTheCutOff_StayEvenWhenRead()
    {
        await CommitEventsAsync("e-1", "e-2");
        var read = await _store.ReadChangesAsync(null, 100, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(6));

        var removed = await _store.PurgeDeliveredEventsAsync([read.Continuation], _time.GetUtcNow() - TimeSpan.FromDays(7), 100, CancellationToken.None);

        Assert.Equal(0, removed);
        Assert.Equal(["e-1", "e-2"], await EventIdsAsync(null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-position")]
    public async Task Purge_AReaderThatHasReadNothing_RemovesNothing(string? unread)
    {
        await CommitEventsAsync("e-1", "e-2");
        var read = await _store.ReadChangesAsync(null, 100, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(30));

        var removed = await _store.PurgeDeliveredEventsAsync([read.Continuation, unread], _time.GetUtcNow(), 100, CancellationToken.None);
        var noReaders = await _store.PurgeDeliveredEventsAsync([], _time.GetUtcNow(), 100, CancellationToken.None);

        Assert.Equal((0, 0), (removed, noReaders));
        Assert.Equal(["e-1", "e-2"], await EventIdsAsync(null));
    }

    [Fact]
    public async Task Purge_MoreThanOneTurnsWorth_RemovesAtMostMaxPerCallOldestFirst()
    {
        await CommitEventsAsync("e-1", "e-2", "e-3", "e-4", "e-5");
        var read = await _store.ReadChangesAsync(null, 100, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(8));

        var first = await _store.PurgeDeliveredEventsAsync([read.Continuation], _time.GetUtcNow(), 2, CancellationToken.None);

        Assert.Equal(2, first);
        Assert.Equal(["e-3", "e-4", "e-5"], await EventIdsAsync(null));
    }

    [Fact]
    public async Task Purge_EveryEvent_TheNextEventIsStillReadFromTheLastContinuation()
    {
        await CommitEventsAsync("e-1", "e-2");
        var read = await _store.ReadChangesAsync(null, 100, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(8));
        await _store.PurgeDeliveredEventsAsync([read.Continuation], _time.GetUtcNow(), 100, CancellationToken.None);

        await CommitEventsAsync("e-3");

        Assert.Equal(["e-3"], await EventIdsAsync(read.Continuation));
    }

    [Fact]
    public async Task Purge_ExpiredDocuments_GoAtMostMaxPerCallAndLiveOnesStay()
    {
        for (var i = 0; i < 5; i++)
        {
            await PutAsync($"cmd:{i}", TimeSpan.FromMinutes(10 + i));
        }

        await PutAsync("cmd:later", TimeSpan.FromDays(7));
        await PutAsync("customer", null);
        _time.Advance(TimeSpan.FromHours(1));

        var first = await _store.PurgeExpiredAsync(2, CancellationToken.None);
        var rest = await _store.PurgeExpiredAsync(100, CancellationToken.None);
        var none = await _store.PurgeExpiredAsync(100, CancellationToken.None);

        Assert.Equal((2, 3, 0), (first, rest, none));
        Assert.Equal(["cmd:later", "customer"], StoredIds());
    }

    private async Task CommitEventsAsync(params string[] eventIds)
    {
        foreach (var id in eventIds)
        {
            var result = await _store.CommitAsync(
                "customer:cust-1", [], [new OutboxEvent(id, "CaseOpened", $$"""{"id":"{{id}}"}""", null)], CancellationToken.None);
            Assert.IsType<Committed>(result);
        }
    }

    private async Task<List<string>> EventIdsAsync(string? continuation) =>
        [.. (await _store.ReadChangesAsync(continuation, 100, CancellationToken.None)).Changes.Select(c => c.Event.EventId)];

    private async Task PutAsync(string id, TimeSpan? timeToLive) =>
        Assert.IsType<Committed>(await _store.CommitAsync(
            "customer:cust-1", [new PutDocument(id, Kinds.Command, "{}", null, TimeToLive: timeToLive)], [], CancellationToken.None));

    /// <summary>What is in the file, expired or not (reads already hide expired documents).</summary>
    private List<string> StoredIds() => [.. _file.Column("SELECT id FROM documents ORDER BY id").Cast<string>()];
}
