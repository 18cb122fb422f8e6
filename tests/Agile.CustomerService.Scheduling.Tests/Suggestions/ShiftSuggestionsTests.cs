using static Agile.CustomerService.Scheduling.Tests.Given;

namespace Agile.CustomerService.Scheduling.Tests.Suggestions;

public sealed class ShiftSuggestionsTests
{
    private static readonly SuggestionOptions Fast = new(TimeSpan.FromSeconds(1), Workers: 2, Seed: 1);

    /// <summary>Weekdays: phone 07:00-22:00 by one agent, chat 09:00-17:00 by one agent.</summary>
    private static Schedule Weekdays()
    {
        var schedule = Team();
        foreach (var day in Enumerable.Range(0, 14).Where(d => d % 7 < 5))
        {
            schedule = schedule.Needing(ShiftActivity.Phone, day, 7, 22, 1).Needing(ShiftActivity.Chat, day, 9, 17, 1);
        }

        return schedule;
    }

    [Fact]
    public void Suggest_WholePeriodForSmallTeam_CoversEveryNeedWithinTheRules()
    {
        var schedule = Weekdays();

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.Equal((0, 0), (suggestion.Shortfall, suggestion.ShortfallLowerBound));
        Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateCoverage(suggestion.Schedule));
        Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateLabourRules(suggestion.Schedule));
        Assert.Contains(suggestion.Status, new[] { SolveStatus.Optimal, SolveStatus.Feasible });
    }

    [Fact]
    public void Suggest_ExistingClaim_KeptAsIsAndNotDoubled()
    {
        var claim = Shift("ana", 0, Late);
        var schedule = Weekdays().With(claim);

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.Contains(claim, suggestion.Schedule.Shifts);
        Assert.Equal([claim], suggestion.Schedule.ShiftsOf("ana").Where(s => s.Date == Day(0)));
        Assert.DoesNotContain(suggestion.Shifts, s => s.Shift.AgentId == "ana" && s.Shift.Date == Day(1) && s.Shift.TemplateId == "early");
    }

    [Fact]
    public void Suggest_AgentOnTimeOff_GetsNoShiftInIt()
    {
        var schedule = Weekdays().WithTimeOff("ana", At(0, 0), At(7, 0));

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.DoesNotContain(suggestion.Shifts, s => s.Shift.AgentId == "ana" && s.Shift.Date < Day(7));
    }

    [Fact]
    public void Suggest_AgentAvailableMorningsOnly_OnlyScheduledInMornings()
    {
        var mornings = Agent("eva", "phone") with
        {
            Availability = [.. Enumerable.Range(1, 5).Select(d => new AvailabilityWindow((DayOfWeek)d, new TimeOnly(7, 0), new TimeOnly(15, 0)))],
        };
        var schedule = Weekdays() with { Agents = [.. Team().Agents, mornings] };

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateAvailability(suggestion.Schedule, "eva"));
    }

    [Fact]
    public void Suggest_NeedBeyondTheTeam_ShortfallMatchesProvenLowerBound()
    {
        var schedule = Team(Agent("ana", "phone"), Agent("ben", "phone")).Needing(ShiftActivity.Phone, 2, 9, 10, 3);

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.Equal((2, 2), (suggestion.Shortfall, suggestion.ShortfallLowerBound));
        Assert.Equal(0, suggestion.CoverageGapPercent);
        Assert.Equal(SolveStatus.Optimal, suggestion.Stages.Single(s => s.Name == "shortfall").Status);
    }

    [Fact]
    public void Suggest_OpenShiftForTheGap_SuggestsClaimingIt()
    {
        var open = Shift(null, 3, Early);
        var schedule = Team().Needing(ShiftActivity.Phone, 3, 8, 12, 1).With(open);

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        var claim = Assert.Single(suggestion.Shifts, s => s.Shift.Date == Day(3));
        Assert.Equal((open.Id, true), (claim.Shift.Id, claim.ClaimsOpenShift));
    }

    [Fact]
    public void Suggest_AgentAvoidsTheDay_SomeoneElseTakesIt()
    {
        var avoids = Agent("ana", "phone") with { Preferences = ShiftPreferences.None with { AvoidedDays = [DayOfWeek.Wednesday] } };
        var schedule = Team(avoids, Agent("ben", "phone")).Needing(ShiftActivity.Phone, 2, 8, 12, 1);

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.Equal(("ben", 0), (Assert.Single(suggestion.Shifts).Shift.AgentId, suggestion.UnmetPreferences));
    }

    [Fact]
    public void Suggest_OneShiftEachWeekendDay_SpreadsWeekendsEvenly()
    {
        var schedule = Team();
        foreach (var day in new[] { 5, 6, 12, 13 })
        {
            schedule = schedule.Needing(ShiftActivity.Phone, day, 8, 12, 1);
        }

        var suggestion = ShiftSuggestions.Suggest(schedule, Fast, Guid.NewGuid);

        Assert.Equal((0, 0), (suggestion.Shortfall, suggestion.Coverage.Fairness.WeekendDays));
    }
}
