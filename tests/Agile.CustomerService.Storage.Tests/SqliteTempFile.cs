using Microsoft.Data.Sqlite;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>A SQLite file path in a folder of its own, removed (with the WAL and pooled connections) on dispose.</summary>
public sealed class SqliteTempFile : IDisposable
{
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"agilecs-sqlite-{Guid.NewGuid():N}");

    public SqliteTempFile()
    {
        Directory.CreateDirectory(_directory);
    }

    public string Path => System.IO.Path.Combine(_directory, "state.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
