using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Sqlite;

namespace Agile.CustomerService.Storage.Tests;

/// <summary>The embedded store's turn at its one connection: requests before background work (ADR 0007).</summary>
public sealed class StoreGateTests
{
    [Fact]
    public async Task Enter_FreeGate_EntersAtOnce()
    {
        var gate = new StoreGate();

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
    public async Task Exit_RequestsKeepComing_EveryFourthTurnGoesToTheWaitingBackground()
    {
        var gate = await HeldGateAsync();
        var background = gate.EnterAsync(background: true, CancellationToken.None);
        var requests = Enumerable.Range(0, StoreGate.RequestTurnsPerBackgroundTurn + 1).Select(_ => gate.EnterAsync(background: false, CancellationToken.None)).ToList();

        for (var turn = 0; turn < StoreGate.RequestTurnsPerBackgroundTurn; turn++)
        {
            gate.Exit();
            await requests[turn].WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        var backgroundStillWaitingAfterTheRequests = !background.IsCompleted;
        gate.Exit();
        await background.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(backgroundStillWaitingAfterTheRequests);
        Assert.False(requests[^1].IsCompleted);
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
        var gate = new StoreGate();

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

    private static async Task<StoreGate> HeldGateAsync()
    {
        var gate = new StoreGate();
        await gate.EnterAsync(background: false, CancellationToken.None);
        return gate;
    }
}
