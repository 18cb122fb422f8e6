using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>
/// A data file written by an earlier version (documents in a WITHOUT ROWID table) opens with
/// every document, version, due time and event intact, in the current layout.
/// </summary>
public sealed class SqliteLayoutTests : IDisposable
{
    private readonly SqliteTempFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Open_FileInTheFirstLayout_KeepsEveryDocumentItsVersionAndTheChangeLog()
    {
        var path = _file.Path;
        WriteFirstLayout(path);

        using var store = new SqliteStateStore(path, TimeProvider.System);
        var customer = await store.ReadAsync("customer:cust-1", "customer", CancellationToken.None);
        var due = await store.QueryDueAsync("timers:0", "timer", DateTimeOffset.FromUnixTimeMilliseconds(2_000), 10, CancellationToken.None);
        var changes = await store.ReadChangesAsync(null, 10, CancellationToken.None);
        var stale = await store.CommitAsync("customer:cust-1", [new PutDocument("customer", "customer", """{"v":4}""", "\"2\"")], [], CancellationToken.None);
        var current = await store.CommitAsync("customer:cust-1", [new PutDocument("customer", "customer", """{"v":4}""", "\"3\"")], [], CancellationToken.None);

        Assert.Equal(("""{"v":3}""", "\"3\""), (customer!.Json, customer.ETag));
        Assert.Equal(["timer:a"], due.Select(d => d.Id));
        Assert.Equal(["event-1"], changes.Changes.Select(c => c.Event.EventId));
        Assert.IsType<CommitConflict>(stale);
        Assert.Equal("\"4\"", Assert.IsType<Committed>(current).ETags["customer"]);
        Assert.DoesNotContain("WITHOUT ROWID", (string)_file.Column("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'documents'").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Open_FileInTheFirstLayout_ConvertsInStepsInKeyOrderAndSaysHowFarItHasGot()
    {
        var path = _file.Path;
        WriteFirstLayout(path, extraCustomers: 4);
        var logs = new RecordingLoggerProvider();

        // Seven documents in steps of three: the third step starts inside the timers' partition.
        using var store = new SqliteStateStore(path, TimeProvider.System, checkpointPeriod: null, logs.CreateLogger("store"), conversionStep: 3);
        var extras = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => store.ReadAsync($"customer:extra-{n}", "customer", CancellationToken.None)));
        var timers = await store.QueryAsync("timers:0", "timer", CancellationToken.None);

        var lines = logs.Entries.Select(e => e.Message).ToArray();
        Assert.Equal(
            ["Converting the data file to the current layout: 7 documents", "Converted documents 3/7", "Converted documents 6/7", "Converted documents 7/7"],
            lines[..^1]);
        Assert.StartsWith("Converted the data file in ", lines[^1], StringComparison.Ordinal);
        Assert.Equal(["\"1\"", "\"2\"", "\"3\"", "\"4\""], extras.Select(d => d!.ETag));
        Assert.Equal(["timer:a", "timer:b"], timers.Select(d => d.Id));
        Assert.Equal(7L, _file.Column("SELECT count(*) FROM documents").Single());
    }

    [Fact]
    public async Task Open_FileInTheCurrentLayout_OpensAgainUnchanged()
    {
        var path = _file.Path;
        using (var first = new SqliteStateStore(path, TimeProvider.System))
        {
            await first.CommitAsync("customer:cust-1", [new PutDocument("customer", "customer", "{}", null)], [], CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        var logs = new RecordingLoggerProvider();
        using var again = new SqliteStateStore(path, TimeProvider.System, checkpointPeriod: null, logs.CreateLogger("store"));

        Assert.Empty(logs.Entries);

        Assert.Equal("\"1\"", (await again.ReadAsync("customer:cust-1", "customer", CancellationToken.None))!.ETag);
    }

    private static void WriteFirstLayout(string path, int extraCustomers = 0)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE documents (
                partition TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL,
                version INTEGER NOT NULL, due_at INTEGER NULL, expires_at INTEGER NULL,
                PRIMARY KEY (partition, id)
            ) WITHOUT ROWID;
            CREATE INDEX documents_kind ON documents (partition, kind);
            CREATE INDEX documents_due ON documents (partition, kind, due_at) WHERE due_at IS NOT NULL;
            CREATE INDEX documents_expiry ON documents (expires_at) WHERE expires_at IS NOT NULL;
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, partition TEXT NOT NULL, event_id TEXT NOT NULL,
                type TEXT NOT NULL, json TEXT NOT NULL, correlation_id TEXT NULL, committed_at INTEGER NOT NULL
            );
            INSERT INTO documents VALUES ('customer:cust-1', 'customer', 'customer', '{"v":3}', 3, NULL, NULL);
            INSERT INTO documents VALUES ('timers:0', 'timer:a', 'timer', '{}', 1, 1000, NULL);
            INSERT INTO documents VALUES ('timers:0', 'timer:b', 'timer', '{}', 1, 5000, NULL);
            INSERT INTO outbox (partition, event_id, type, json, correlation_id, committed_at) VALUES ('customer:cust-1', 'event-1', 'CaseOpened', '{}', NULL, 0);
            """;
        command.ExecuteNonQuery();
        for (var n = 1; n <= extraCustomers; n++)
        {
            command.CommandText = $"INSERT INTO documents VALUES ('customer:extra-{n}', 'customer', 'customer', '{{}}', {n}, NULL, NULL)";
            command.ExecuteNonQuery();
        }
    }
}
