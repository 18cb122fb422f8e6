using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>The embedded store's turn at its one connection: requests before background work (ADR 0007).</summary>
public sealed class StoreGateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Enter_FreeGate_EntersAtOnce()
    {
        var gate = new StoreGate(_time);

        var entered = gate.EnterAsync(background: false, CancellationToken.None);

        Assert.True(entered.IsCompletedSuccessfully);
        await entered;
    }

    [Fact]
    public async Task Exit_RequestAndBackgroundWaiting_TheRequestGoesFirstAndTheBackgroundThen()
    {
        var gate = await HeldGateAsync();
        var background = gate.EnterAsync(background: true, CancellationToken.None);
        var request = gate.EnterAsync(background: false, CancellationToken.None);

        gate.Exit();
        await request.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var backgroundWaitedForTheRequest = !background.IsCompleted;
        gate.Exit();
        await background.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(backgroundWaitedForTheRequest);
    }

    [Fact]
    public async Task Exit_RequestsWaiting_ServedInTheOrderTheyCame()
    {
        var gate = await HeldGateAsync();
        var first = gate.EnterAsync(background: false, CancellationToken.None);
        var second = gate.EnterAsync(background: false, CancellationToken.None);

        gate.Exit();
        await first.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(second.IsCompleted);
    }

    [Fact]
    public async Task Exit_BackgroundWaitedItsPatience_GoesBeforeALaterRequest()
    {
        var gate = await HeldGateAsync();
        var background = gate.EnterAsync(background: true, CancellationToken.None);
        _time.Advance(StoreGate.BackgroundPatience);
        var request = gate.EnterAsync(background: false, CancellationToken.None);

        gate.Exit();
        await background.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(request.IsCompleted);
    }

    [Fact]
    public async Task Exit_BackgroundNotYetPatient_WaitsBehindTheRequest()
    {
        var gate = await HeldGateAsync();
        var background = gate.EnterAsync(background: true, CancellationToken.None);
        _time.Advance(StoreGate.BackgroundPatience - TimeSpan.FromMilliseconds(1));
        var request = gate.EnterAsync(background: false, CancellationToken.None);

        gate.Exit();
        await request.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(background.IsCompleted);
    }

    [Fact]
    public async Task Enter_CancelledWhileWaiting_GivesUpItsPlaceAndTheGateFreesOnExit()
    {
        var gate = await HeldGateAsync();
        using var cancel = new CancellationTokenSource();
        var abandoned = gate.EnterAsync(background: false, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        gate.Exit();

        Assert.True(gate.EnterAsync(background: true, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Enter_AlreadyCancelled_ThrowsWithoutTakingTheGate()
    {
        var gate = new StoreGate(_time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync(background: false, new CancellationToken(canceled: true)));

        Assert.True(gate.EnterAsync(background: false, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task StoreWork_MarkedInAChildFlow_DoesNotMarkTheCaller()
    {
        var inChild = await Task.Run(() =>
        {
            StoreWork.MarkBackground();
            return StoreWork.IsBackground;
        }, TestContext.Current.CancellationToken);

        Assert.True(inChild);
        Assert.False(StoreWork.IsBackground);
    }

    private async Task<StoreGate> HeldGateAsync()
    {
        var gate = new StoreGate(_time);
        await gate.EnterAsync(background: false, CancellationToken.None);
        return gate;
    }
}
