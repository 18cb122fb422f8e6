using System.Threading.Channels;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Storage.Sqlite;

namespace Agile.CustomerService.Host.Local;

/// <summary>Wakes the local runner right after a commit (coalesced: one pending wake-up at most).</summary>
internal sealed class LocalChangeSignal : IChangeNotifier
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// LOCAL STAND-IN for the Functions host's non-HTTP triggers on the embedded default: delivers
/// the change log to the subscribers (as the Cosmos DB trigger + Service Bus would) and sweeps
/// due timers (as the timer trigger would). Never used in Azure.
/// </summary>
internal sealed class LocalTriggerRunner(
    ChangeLogRunner changes,
    CaseService cases,
    LocalChangeSignal signal,
    Application.Storage.IStateStore store,
    ILogger<LocalTriggerRunner> logger) : BackgroundService
{
    private static readonly TimeSpan TimerPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PurgePeriod = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastSweep = DateTimeOffset.MinValue;
        var lastPurge = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
                while (await changes.RunOnceAsync(stoppingToken) > 0)
                {
                }

                if (DateTimeOffset.UtcNow - lastSweep >= TimerPeriod)
                {
                    lastSweep = DateTimeOffset.UtcNow;
                    await cases.SweepTimersAsync(stoppingToken);
                }

                if (DateTimeOffset.UtcNow - lastPurge >= PurgePeriod && store is SqliteStateStore sqlite)
                {
                    lastPurge = DateTimeOffset.UtcNow;
                    await sqlite.PurgeExpiredAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "local trigger runner round failed; retrying");
            }
        }
    }
}
