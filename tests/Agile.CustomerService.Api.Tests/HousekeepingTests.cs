using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Host.Local;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// The local run's housekeeping on the embedded store: delivered events go once they are older
/// than Store:EventRetention; events the change feed has not delivered stay, however old.
/// </summary>
public sealed class HousekeepingTests : IDisposable
{
    private readonly TestApp _app = new(("Store:EventRetention", "2.00:00:00"));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Run_DeliveredEventsOlderThanTheRetention_AreRemovedAndUndeliveredOnesStay()
    {
        await _app.IntakeAsync("cust-00005");
        await _app.SettleAsync();
        _app.Time.Advance(TimeSpan.FromDays(3));
        await _app.IntakeAsync("cust-00006");
        _app.Time.Advance(TimeSpan.FromDays(3));

        var removed = await _app.Service<LocalHousekeeping>().RunAsync(CancellationToken.None);
        var left = await PartitionsInTheChangeLogAsync();

        Assert.True(removed > 0, "the delivered intake's events are removed");
        Assert.DoesNotContain("customer:cust-00005", left);
        Assert.Contains("customer:cust-00006", left);
    }

    [Fact]
    public async Task Run_DeliveredEventsYoungerThanTheRetention_Stay()
    {
        await _app.IntakeAsync("cust-00005");
        await _app.SettleAsync();
        _app.Time.Advance(TimeSpan.FromDays(1));

        var removed = await _app.Service<LocalHousekeeping>().RunAsync(CancellationToken.None);

        Assert.Equal(0, removed);
        Assert.Contains("customer:cust-00005", await PartitionsInTheChangeLogAsync());
    }

    [Fact]
    public void EventRetention_NotSet_IsSevenDays()
    {
        using var app = new TestApp();

        Assert.Equal(TimeSpan.FromDays(7), app.Service<LocalHousekeeping>().EventRetention);
    }

    private async Task<HashSet<string>> PartitionsInTheChangeLogAsync()
    {
        var page = await _app.Service<IStateStore>().ReadChangesAsync(null, 10_000, CancellationToken.None);
        return [.. page.Changes.Select(c => c.Partition)];
    }
}
