using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>
/// The embedded store's write-ahead log is checkpointed beside its connection (ADR 0008): a
/// long log is caught up in a turn of its own and starts again from its beginning, also while
/// commits keep coming.
/// </summary>
public sealed class WalCheckpointerTests : IDisposable
{
    private static readonly string Body = $$"""{"text":"{{new string('x', 20_000)}}"}""";
    private static readonly string SmallBody = $$"""{"text":"{{new string('x', 1_000)}}"}""";
    private readonly SqliteTempFile _file = new();
    private readonly SqliteStateStore _store;

    public WalCheckpointerTests() => _store = new SqliteStateStore(_file.Path, TimeProvider.System, checkpointPeriod: null);

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    [Fact]
    public async Task Round_ShortLog_CopiesItWithoutATurnAtTheStore()
    {
        await WriteAsync("w", 10);

        var (log, caughtUp) = await _store.CheckpointRoundAsync(CancellationToken.None);

        Assert.InRange(log, 1, WalCheckpointer.CatchUpAtPages - 1);
        Assert.False(caughtUp);
    }

    [Fact]
    public async Task Round_LongLog_CatchesUpAndTheNextCommitStartsTheLogAgain()
    {
        await WriteAsync("w", 600);

        var (log, caughtUp) = await _store.CheckpointRoundAsync(CancellationToken.None);
        await WriteAsync("after", 1);
        var (next, _) = await _store.CheckpointRoundAsync(CancellationToken.None);

        Assert.True(log >= WalCheckpointer.CatchUpAtPages, $"600 commits of 20 KB wrote only {log} pages");
        Assert.True(caughtUp);
        Assert.InRange(next, 1, 20);
    }

    [Fact]
    public async Task Round_NothingWrittenSinceTheLastCatchUp_TakesNoTurnAtTheStore()
    {
        await WriteAsync("w", 600);
        var (_, first) = await _store.CheckpointRoundAsync(CancellationToken.None);

        var (_, idle) = await _store.CheckpointRoundAsync(CancellationToken.None);

        Assert.True(first);
        Assert.False(idle);
    }

    [Fact]
    public async Task Round_LongLogWhileAWriterNeverPauses_CatchesUpSoTheLogStartsAgain()
    {
        await WriteAsync("before", 600);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await WriteAsync($"during-{i}", 1, SmallBody);
            }
        });

        // A round whose checkpoint finds the log busy (the writer starting it again at that moment;
        // SQLite reports -1 pages) does nothing and leaves it to the next round, as the loop does.
        var (log, caughtUp) = (0, false);
        for (var round = 0; round < 20 && !caughtUp; round++)
        {
            (log, caughtUp) = await _store.CheckpointRoundAsync(CancellationToken.None);
        }

        await stop.CancelAsync();
        await writer;
        await WriteAsync("after", 1); // the first commit after a caught-up checkpoint starts the log again
        var (after, _) = await _store.CheckpointRoundAsync(CancellationToken.None);

        // A passive checkpoint alone never catches a writer that never pauses, so the log would
        // only grow; after the catch-up it holds just what the writer added before it was stopped.
        // (On a loaded machine the writer can pause long enough for the round's passive passes to
        // copy the whole log, and its next commit then starts the log again before the catch-up's
        // turn: the catch-up finds a short log. Either way the log has started again.)
        Assert.True(caughtUp, $"the round found {log} pages");
        Assert.True(after < log || log < WalCheckpointer.CatchUpAtPages / 2, $"the log had {log} pages at the catch-up and {after} after it");
        Assert.InRange(after, 0, WalCheckpointer.CatchUpAtPages / 2);
    }

    [Fact]
    public async Task Dispose_AfterACatchUp_LeavesNoDescriptorOfTheFilesOpen()
    {
        // The checkpointer keeps a descriptor of the database file to flush it before its turn.
        await WriteAsync("w", 600);
        Assert.True((await _store.CheckpointRoundAsync(CancellationToken.None)).CaughtUp);
        Assert.NotEmpty(OpenDescriptorsOf(_file.Path));

        _store.Dispose();

        Assert.Empty(OpenDescriptorsOf(_file.Path));
    }

    /// <summary>This process's open descriptors of the database file and its -wal and -shm files (Linux).</summary>
    private static List<string> OpenDescriptorsOf(string databasePath)
    {
        var targets = new List<string>();
        foreach (var link in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(link).LinkTarget is { } target && target.StartsWith(databasePath, StringComparison.Ordinal))
                {
                    targets.Add(target);
                }
            }
            catch (IOException)
            {
                // closed meanwhile by another test's work
            }
        }

        return targets;
    }

    private async Task WriteAsync(string prefix, int count, string? body = null)
    {
        await Task.Yield();
        for (var i = 0; i < count; i++)
        {
            var result = await _store.CommitAsync(
                $"customer:{prefix}-{i % 50}", [new PutDocument($"doc-{prefix}-{i}", "note", body ?? Body, null)], [], CancellationToken.None);
            Assert.IsType<Committed>(result);
        }
    }
}
