using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>The embedded store removes documents whose time to live has passed, a bounded number per call, and keeps the rest.</summary>
public sealed class SqlitePurgeExpiredTests : IDisposable
{
    private readonly SqliteTempFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly SqliteStateStore _store;

    public SqlitePurgeExpiredTests() => _store = new SqliteStateStore(_file.Path, _time);

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
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

    private async Task PutAsync(string id, TimeSpan? timeToLive) =>
        Assert.IsType<Committed>(await _store.CommitAsync(
            "customer:cust-1", [new PutDocument(id, Kinds.Command, "{}", null, TimeToLive: timeToLive)], [], CancellationToken.None));

    /// <summary>What is in the file, expired or not (reads already hide expired documents).</summary>
    private List<string> StoredIds()
    {
        using var connection = new SqliteConnection($"Data Source={_file.Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM documents ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
