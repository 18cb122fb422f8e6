using Agile.CustomerService.Application.Pipeline;
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

        int turn;
        do
        {
            turn = await sqlite.PurgeExpiredAsync(RowsPerTurn, cancellationToken);
        }
        while (turn == RowsPerTurn);

        var positions = new List<string?>();
        foreach (var function in functions.Functions.Where(f => f.TriggerType == "cosmosDBTrigger"))
        {
            positions.Add((await store.ReadAsync<Checkpoint>(Partitions.Checkpoints, function.Name, cancellationToken))?.Value.Continuation);
        }

        var before = time.GetUtcNow() - EventRetention;
        var removed = 0;
        do
        {
            turn = await sqlite.PurgeDeliveredEventsAsync(positions, before, RowsPerTurn, cancellationToken);
            removed += turn;
        }
        while (turn == RowsPerTurn);

        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} delivered events committed before {Before:u}", removed, before);
        }

        return removed;
    }
}
