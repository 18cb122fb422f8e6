using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Tests.Dispatch;

public sealed class TeamRosterTests
{
    private static readonly DateTimeOffset Nine = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    private static RosterShift Shift(string agentId, int fromHour, int untilHour, bool handlesCases = true) =>
        new("2026-12-07", Guid.NewGuid(), agentId, Nine.AddHours(fromHour - 9), Nine.AddHours(untilHour - 9), handlesCases);

    private static TeamRoster Roster(params RosterShift[] shifts) => new("t1", shifts, []);

    [Fact]
    public void IsOfferable_OnAPhoneShiftNow_True() =>
        Assert.True(Roster(Shift("ana", 8, 16)).IsOfferable("ana", Nine));

    [Fact]
    public void IsOfferable_ShiftEndsNow_False() =>
        Assert.False(Roster(Shift("ana", 1, 9)).IsOfferable("ana", Nine));

    [Fact]
    public void IsOfferable_OnABackOfficeShift_False() =>
        Assert.False(Roster(Shift("ana", 8, 16, handlesCases: false)).IsOfferable("ana", Nine));

    [Fact]
    public void IsOfferable_AnotherAgentsShift_False() =>
        Assert.False(Roster(Shift("ben", 8, 16)).IsOfferable("ana", Nine));

    [Fact]
    public void WithManualAvailability_LoggedOffEarly_UnavailableUntilTheShiftEndsOnly()
    {
        var roster = Roster(Shift("ana", 8, 16), Shift("ana", 32, 40));

        var off = roster.WithManualAvailability("ana", available: false, Nine);

        Assert.False(off.IsOfferable("ana", Nine.AddHours(6)));
        Assert.True(off.IsOfferable("ana", Nine.AddDays(1)));
    }

    [Fact]
    public void WithManualAvailability_BackOn_OverrideCleared()
    {
        var off = Roster(Shift("ana", 8, 16)).WithManualAvailability("ana", available: false, Nine);

        var on = off.WithManualAvailability("ana", available: true, Nine.AddHours(1));

        Assert.True(on.IsOfferable("ana", Nine.AddHours(1)));
        Assert.Empty(on.Overrides);
    }

    [Fact]
    public void WithManualAvailability_OffWhileOffShift_NothingToOverride() =>
        Assert.Empty(Roster(Shift("ana", 14, 22)).WithManualAvailability("ana", available: false, Nine).Overrides);

    [Fact]
    public void ApplyTo_Dispatch_AvailabilityFollowsTheRosterNotTheStoredFlag()
    {
        var dispatch = TeamDispatch.For(new Team("t1", "T1", "north", "retail")) with
        {
            Agents =
            [
                new AgentSlot("ana", "Ana", AgentLevel.New, [], 3, false, []),
                new AgentSlot("ben", "Ben", AgentLevel.New, [], 3, true, []),
            ],
        };

        var applied = Roster(Shift("ana", 8, 16)).ApplyTo(dispatch, Nine);

        Assert.Equal([("ana", true), ("ben", false)], applied.Agents.Select(a => (a.AgentId, a.Available)));
        Assert.Equal(3, applied.SpareCapacity);
    }

    [Fact]
    public void WithPeriod_Republished_ReplacesOnlyThatPeriodsShifts()
    {
        var other = Shift("ben", 8, 16) with { PeriodId = "2026-11-23" };
        var roster = Roster(Shift("ana", 8, 16), other);

        var next = roster.WithPeriod("2026-12-07", [Shift("cas", 8, 16)]);

        Assert.Equal(["ben", "cas"], next.Shifts.Select(s => s.AgentId).Order());
    }
}
