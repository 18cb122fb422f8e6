using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests.Contract;

/// <summary>A SQLite store on a temporary file, deleted with the fixture.</summary>
public sealed class SqliteStoreFixture : IStoreFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"agilecs-store-{Guid.NewGuid():N}");
    private SqliteStateStore? _store;

    public IStateStore Store => _store ?? throw new InvalidOperationException("fixture not initialized");

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public ValueTask InitializeAsync()
    {
        _store = new SqliteStateStore(Path.Combine(_directory, "state.db"), Time);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _store?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
