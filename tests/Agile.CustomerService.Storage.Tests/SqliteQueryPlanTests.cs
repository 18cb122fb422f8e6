using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>
/// How SQLite runs the store's partition queries, read from its own query plan: a query for one
/// kind must search the kind index, not read the partition, whose other documents (a team's board
/// entries, rollup markers, drill-down entries) grow with every case the team ever handled.
/// </summary>
public sealed class SqliteQueryPlanTests : IDisposable
{
    private readonly SqliteTempFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task QueryByKind_PartitionFullOfOtherKinds_SearchesTheKindIndexAndReadsOnlyThatKind()
    {
        var path = _file.Path;
        using (var store = new SqliteStateStore(path, TimeProvider.System))
        {
            await store.BulkUpsertAsync(
                Enumerable.Range(0, 2000).Select(i => ("team:north-1", new PutDocument($"board:case-{i:D5}", "board", "{}", PutDocument.Any))),
                CancellationToken.None);
            await store.CommitAsync("team:north-1", [new PutDocument("queue:case-1", "queue", "{}", null)], [], CancellationToken.None);

            var queue = await store.QueryAsync("team:north-1", "queue", CancellationToken.None);

            Assert.Equal(["queue:case-1"], queue.Select(d => d.Id));
        }

        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteStateStore.QueryByKindSql;
        explain.Parameters.AddWithValue("$p", "team:north-1");
        explain.Parameters.AddWithValue("$k", "queue");
        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        var step = Assert.Single(plan);
        Assert.Contains("USING INDEX documents_kind (partition=? AND kind=?)", step, StringComparison.Ordinal);
    }
}
