using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>
/// The embedded store's write-ahead log is checkpointed beside its connection (ADR 0008): a
/// long log is caught up in a turn of its own and starts again from its beginning, also while
/// commits keep coming, so the log file stays near its catch-up length.
/// </summary>
public sealed class WalCheckpointerTests : IDisposable
{
    private static readonly string Body = $$"""{"text":"{{new string('x', 6_000)}}"}""";
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

        Assert.True(log >= WalCheckpointer.CatchUpAtPages, $"600 commits of 6 KB wrote only {log} pages");
        Assert.True(caughtUp);
        Assert.InRange(next, 1, 20);
    }

    [Fact]
    public async Task Rounds_WhileFourWritersNeverPause_KeepTheLogFileFarBelowWhatWasWritten()
    {
        var writers = Enumerable.Range(0, 4).Select(w => WriteAsync($"w{w}", 1_000)).ToList();
        var rounds = 0;
        var catchUps = 0;
        var longest = 0;
        while (!writers.All(w => w.IsCompleted))
        {
            var (log, caughtUp) = await _store.CheckpointRoundAsync(CancellationToken.None);
            rounds++;
            catchUps += caughtUp ? 1 : 0;
            longest = Math.Max(longest, log);
        }

        await Task.WhenAll(writers);
        var walBytes = new FileInfo(_file.Path + "-wal").Length;

        // 4,000 commits of a 6 KB document wrote at least 4,000 x 8 KB (two pages each) = 32 MB of log;
        // without a catch-up the log never restarts below the writer's own 40 MB checkpoint.
        Assert.True(catchUps > 0, $"{rounds} rounds, none caught up (longest log {longest} pages)");
        Assert.True(walBytes < WalCheckpointer.WriterCheckpointAtPages * 4096L / 2, $"log file {walBytes / 1048576} MB after {rounds} rounds, {catchUps} catch-ups");
    }

    private async Task WriteAsync(string prefix, int count)
    {
        await Task.Yield();
        for (var i = 0; i < count; i++)
        {
            var result = await _store.CommitAsync(
                $"customer:{prefix}-{i % 50}", [new PutDocument($"doc-{prefix}-{i}", "note", Body, null)], [], CancellationToken.None);
            Assert.IsType<Committed>(result);
        }
    }
}
