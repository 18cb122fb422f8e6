using Microsoft.Data.Sqlite;

namespace Agile.CustomerService.Storage.Sqlite;

/// <summary>
/// Checkpoints the store's write-ahead log from a connection of its own (ADR 0008), so that
/// copying pages into the database file and the fsyncs that go with it no longer run inside
/// somebody's commit while every other read and commit waits for the store's one connection.
/// <para>
/// A round copies what the log holds without stopping anyone (PASSIVE), again while the
/// writer keeps adding more than a few pages meanwhile. The log only starts again from its
/// beginning once a checkpoint has caught up with the last commit, which a writer that never
/// pauses never allows; so once the log is longer than <see cref="CatchUpAtPages"/>, the round
/// ends with one background turn at the store (no commit runs meanwhile) that copies the few
/// pages written since, and the next commit starts the log again.
/// </para>
/// <para>
/// SQLite syncs the database file only at the end of a checkpoint that reaches the end of the
/// log, which here is the one in the turn; that sync then flushed every page all the passive
/// checkpoints since the last catch-up had copied, 10-12 ms while everyone waited. So the round
/// flushes the database file itself first, outside the turn, and the turn's sync only has the
/// few pages copied in it. Durability is SQLite's as before: the log still starts again only
/// after SQLite's own sync in the turn.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>
    /// Log length, in pages, past which a round catches up in a turn of its own (16 MB of 4 KB
    /// pages). Each catch-up holds the store for its fsyncs, whatever the length; at 1,000 pages
    /// that was several times a second under load (docs/performance.md).
    /// </summary>
    public const int CatchUpAtPages = 4000;

    /// <summary>
    /// The writer's own automatic checkpoint stays as the net for a checkpointer that falls
    /// behind: at this many pages (80 MB) the commit that reaches it checkpoints, as SQLite
    /// does by default at 1,000. Well above <see cref="CatchUpAtPages"/>, because while the
    /// writer's checkpoint runs the round's own find the log busy and copy nothing.
    /// </summary>
    public const int WriterCheckpointAtPages = 20_000;

    private const int MaxPassesBeforeCatchUp = 5;
    private const int FewPages = 32;

    private readonly SqliteConnection _connection;

    /// <summary>
    /// The database file, open only to flush it to disk. Kept open for the checkpointer's
    /// life and closed after its connection: closing a descriptor of a file drops every POSIX
    /// lock this process holds on it, SQLite's included.
    /// </summary>
    private readonly FileStream _databaseFile;
    private readonly StoreGate _gate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _caughtUpAt = -1;

    /// <param name="period">Time between rounds; null runs none (tests call <see cref="RoundAsync"/>).</param>
    public WalCheckpointer(string connectionString, StoreGate gate, TimeSpan? period)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _databaseFile = new FileStream(
            new SqliteConnectionStringBuilder(connectionString).DataSource, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _gate = gate;
        _loop = period is { } every ? Task.Run(() => RunAsync(every)) : Task.CompletedTask;
    }

    /// <summary>One round: the log's length when it ended, and whether it needed a turn at the store to catch up.</summary>
    public async Task<(int LogPages, bool CaughtUp)> RoundAsync(CancellationToken cancellationToken)
    {
        var log = Passive();
        for (var pass = 1; log >= CatchUpAtPages && pass < MaxPassesBeforeCatchUp; pass++)
        {
            var before = log;
            log = Passive();
            if (log - before < FewPages)
            {
                break;
            }
        }

        // Nothing written since the last catch-up (an idle store): the log starts again with the next commit.
        if (log < CatchUpAtPages || log == _caughtUpAt)
        {
            return (log, false);
        }

        _databaseFile.Flush(flushToDisk: true);
        using var turn = await _gate.EnterAsync(background: true, cancellationToken);
        _caughtUpAt = Passive();
        return (_caughtUpAt, true);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
        _connection.Dispose();
        _databaseFile.Dispose();
    }

    private async Task RunAsync(TimeSpan period)
    {
        // Real time, not the store's clock: the log grows with real writes (tests run on fake time).
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await RoundAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is SqliteException or IOException)
                {
                    // Busy, going away or the flush failed: the next round tries again, and the
                    // writer's own checkpoint is the net.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A passive checkpoint: copies what no reader still needs, waits for nobody; returns the log's length in pages.</summary>
    private int Passive()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt32(1);
    }
}
