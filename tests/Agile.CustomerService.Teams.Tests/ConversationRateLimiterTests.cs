using Agile.CustomerService.Application.MicrosoftTeams;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Teams.Tests;

public sealed class ConversationRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly ConversationRateLimiter _limiter = new();

    private int Burst(string conversation, int max)
    {
        var sent = 0;
        while (sent < max && _limiter.TryAcquire(conversation, _time.GetUtcNow()) == TimeSpan.Zero)
        {
            sent++;
        }

        return sent;
    }

    [Fact]
    public void TryAcquire_BurstInOneSecond_AllowsSevenThenWaitsUntilTheFirstLeaves()
    {
        var sent = Burst("c1", 100);
        var wait = _limiter.TryAcquire("c1", _time.GetUtcNow());

        Assert.Equal(7, sent);
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
    }

    [Fact]
    public void TryAcquire_TwoSecondWindow_AllowsOnlyEightInTwoSeconds()
    {
        Burst("c1", 7);
        _time.Advance(TimeSpan.FromSeconds(1));

        var sent = Burst("c1", 100);
        var wait = _limiter.TryAcquire("c1", _time.GetUtcNow());

        Assert.Equal(1, sent);
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
    }

    [Fact]
    public void TryAcquire_ThirtySeconds_AllowsSixty()
    {
        var sent = 0;
        for (var step = 0; step < 30 * 4; step++)
        {
            sent += Burst("c1", 100);
            _time.Advance(TimeSpan.FromMilliseconds(249));
        }

        Assert.Equal(60, sent);
    }

    [Fact]
    public void TryAcquire_OneHour_AllowsEighteenHundred()
    {
        var sent = 0;
        for (var step = 0; step < 3600; step++)
        {
            sent += Burst("c1", 100);
            _time.Advance(TimeSpan.FromMilliseconds(999));
        }

        Assert.Equal(1800, sent);
    }

    [Fact]
    public void TryAcquire_OtherConversation_IsNotLimitedByTheFirst()
    {
        Burst("c1", 100);

        var sent = Burst("c2", 100);

        Assert.Equal(7, sent);
    }

    [Fact]
    public void TryAcquire_AfterTheWaitItReturned_Succeeds()
    {
        Burst("c1", 100);
        var wait = _limiter.TryAcquire("c1", _time.GetUtcNow());

        _time.Advance(wait);

        Assert.Equal(TimeSpan.Zero, _limiter.TryAcquire("c1", _time.GetUtcNow()));
    }

    [Fact]
    public void TryAcquire_Refused_RecordsNothing()
    {
        Burst("c1", 7);
        for (var i = 0; i < 50; i++)
        {
            _limiter.TryAcquire("c1", _time.GetUtcNow());
        }

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, _limiter.TryAcquire("c1", _time.GetUtcNow()));
    }
}
