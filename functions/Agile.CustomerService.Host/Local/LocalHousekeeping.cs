using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;

namespace Agile.CustomerService.Host.Local;

/// <summary>
/// What Cosmos DB does by itself and the embedded store needs done: documents whose time to live
/// has passed are removed, and outbox events are removed once every change-feed function has
/// read past them and they are older than <c>Store:EventRetention</c> (default 7 days), so the
/// data file does not grow with every event ever published. Run once a minute by the local
/// trigger loop; does nothing on Cosmos DB.
/// </summary>
internal sealed class LocalHousekeeping(
    IStateStore store,
    LocalFunctionsHost functions,
    TimeProvider time,
    IConfiguration configuration,
    ILogger<LocalHousekeeping> logger)
{
    /// <summary>Documents or events removed per turn at the store: a backlog goes in short turns between requests.</summary>
    public const int RowsPerTurn = 1000;

    public static readonly TimeSpan DefaultEventRetention = TimeSpan.FromDays(7);

    public TimeSpan EventRetention { get; } = configuration.GetValue("Store:EventRetention", DefaultEventRetention) is var retention
        && retention >= TimeSpan.Zero
            ? retention
            : throw new InvalidOperationException($"Store:EventRetention must not be negative (was {retention})");

    /// <summary>Expired documents, then delivered events past their retention; returns how many events went.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (store is not SqliteStateStore sqlite)
        {
            return 0;
        }

        await InTurnsAsync(max => sqlite.PurgeExpiredAsync(max, cancellationToken));
        var positions = await functions.ChangeFeedPositionsAsync(cancellationToken);
        var before = time.GetUtcNow() - EventRetention;
        var removed = await InTurnsAsync(max => sqlite.PurgeDeliveredEventsAsync(positions, before, max, cancellationToken));
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} delivered events committed before {Before:u}", removed, before);
        }

        return removed;
    }

    /// <summary>Removes <see cref="RowsPerTurn"/> at a time until less than that is left; returns how many went.</summary>
    private static async Task<int> InTurnsAsync(Func<int, Task<int>> removeAtMost)
    {
        var removed = 0;
        int turn;
        do
        {
            turn = await removeAtMost(RowsPerTurn);
            removed += turn;
        }
        while (turn == RowsPerTurn);

        return removed;
    }
}
