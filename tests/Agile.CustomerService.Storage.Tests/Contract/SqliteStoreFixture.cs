using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests.Contract;

/// <summary>A SQLite store on a temporary file, deleted with the fixture.</summary>
public sealed class SqliteStoreFixture : IStoreFixture
{
    private readonly SqliteTempFile _file = new();
    private SqliteStateStore? _store;

    public IStateStore Store => _store ?? throw new InvalidOperationException("fixture not initialized");

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public ValueTask InitializeAsync()
    {
        _store = new SqliteStateStore(_file.Path, Time);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _store?.Dispose();
        _file.Dispose();

        return ValueTask.CompletedTask;
    }
}
