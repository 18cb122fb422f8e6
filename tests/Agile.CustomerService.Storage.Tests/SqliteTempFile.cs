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

    /// <summary>The first column of every row <paramref name="sql"/> returns, read straight from the file (read-only, beside any store).</summary>
    public List<object> Column(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<object>();
        while (reader.Read())
        {
            values.Add(reader.GetValue(0));
        }

        return values;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
