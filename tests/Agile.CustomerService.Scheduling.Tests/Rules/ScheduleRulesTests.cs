using static Agile.CustomerService.Scheduling.Tests.Given;

namespace Agile.CustomerService.Scheduling.Tests.Rules;

public sealed class ScheduleRulesTests
{
    [Fact]
    public void ValidateRest_LateThenEarlyNextDay_NamesRestAgentAndDay()
    {
        var schedule = Team().With(Shift("ana", 2, Late), Shift("ana", 3, Early));

        var check = ScheduleRules.ValidateRest(schedule, "ana");

        Assert.Equal(["rest between shifts 9 h < 11 h for agent ana on 2026-12-03"], check.Messages());
    }

    [Fact]
    public void ValidateRest_ElevenHoursBetweenShifts_Holds()
    {
        var lateEvening = new ShiftTemplate("late-2", new TimeOnly(12, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);
        var schedule = Team().With(Shift("ana", 2, lateEvening), Shift("ana", 3, Early));

        var check = ScheduleRules.ValidateRest(schedule, "ana");

        Assert.IsType<RuleCheck.Holds>(check);
    }

    [Fact]
    public void ValidateRest_AcrossDaylightSavingStart_MeasuresElapsedTime()
    {
        // Europe/Amsterdam moves from 02:00 to 03:00 on 2027-03-28: 22:00 to 09:00 is 11 h on the clock, 10 h elapsed.
        var schedule = Team() with { Period = new SchedulePeriod(new DateOnly(2027, 3, 22), 2, "Europe/Amsterdam") };
        var evening = new ShiftTemplate("evening", new TimeOnly(14, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);
        var morning = new ShiftTemplate("morning", new TimeOnly(9, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);
        schedule = schedule.With(
            Scheduling.Shift.FromTemplate(Guid.NewGuid(), "ana", new DateOnly(2027, 3, 27), evening),
            Scheduling.Shift.FromTemplate(Guid.NewGuid(), "ana", new DateOnly(2027, 3, 28), morning));

        var check = ScheduleRules.ValidateRest(schedule, "ana");

        Assert.Equal(["rest between shifts 10 h < 11 h for agent ana on 2027-03-28"], check.Messages());
    }

    [Fact]
    public void ValidateShiftLength_ShiftLongerThanMaximum_NamesLength()
    {
        var schedule = Team().With(Scheduling.Shift.FromTemplate(Guid.NewGuid(), "ana", Day(1), Early with { Length = TimeSpan.FromHours(11) }));

        var check = ScheduleRules.ValidateShiftLength(schedule, "ana");

        Assert.Equal(["shift length 11 h > 10 h for agent ana on 2026-12-01"], check.Messages());
    }

    [Fact]
    public void ValidateOneShiftPerDay_TwoShiftsOnADay_NamesDay()
    {
        var schedule = Team().With(Shift("ana", 4, Early), Shift("ana", 4, Chat));

        var check = ScheduleRules.ValidateOneShiftPerDay(schedule, "ana");

        Assert.Equal(["2 shifts > 1 a day for agent ana on 2026-12-04"], check.Messages());
    }

    [Fact]
    public void ValidateWeeklyHours_AboveAgentsOwnMaximum_NamesWeek()
    {
        var partTimer = Agent("eva", "phone") with { MaxWeeklyHours = TimeSpan.FromHours(24) };
        var schedule = Team(partTimer).With(Shift("eva", 0, Early), Shift("eva", 1, Early), Shift("eva", 2, Early), Shift("eva", 3, Early));

        var check = ScheduleRules.ValidateWeeklyHours(schedule, "eva");

        Assert.Equal(["weekly hours 32 h > 24 h for agent eva in the week from 2026-11-30"], check.Messages());
    }

    [Fact]
    public void ValidateWeeklyHours_WithinLimit_Holds()
    {
        var schedule = Team().With(Shift("ana", 0, Early), Shift("ana", 1, Early), Shift("ana", 2, Early), Shift("ana", 3, Early), Shift("ana", 4, Early));

        var check = ScheduleRules.ValidateWeeklyHours(schedule, "ana");

        Assert.IsType<RuleCheck.Holds>(check);
    }

    [Fact]
    public void ValidateConsecutiveDays_SevenDaysInARow_NamesRun()
    {
        var schedule = Team().With([.. Enumerable.Range(2, 7).Select(d => Shift("ana", d, Early))]);

        var check = ScheduleRules.ValidateConsecutiveDays(schedule, "ana");

        Assert.Equal(["7 consecutive working days > 6 for agent ana from 2026-12-02 to 2026-12-08"], check.Messages());
    }

    [Fact]
    public void ValidateSkills_ChatShiftWithoutChatSkill_NamesSkillAndActivity()
    {
        var schedule = Team().With(Shift("cas", 1, Chat));

        var check = ScheduleRules.ValidateSkills(schedule, "cas");

        Assert.Equal(["agent cas lacks skill chat needed for Chat on 2026-12-01"], check.Messages());
    }

    [Fact]
    public void ValidateTimeOff_ShiftInApprovedTimeOff_NamesDay()
    {
        var schedule = Team().With(Shift("ana", 1, Early)).WithTimeOff("ana", At(1, 0), At(2, 0));

        var check = ScheduleRules.ValidateTimeOff(schedule, "ana");

        Assert.Equal(["shift on 2026-12-01 falls in approved time off of agent ana"], check.Messages());
    }

    [Fact]
    public void ValidateAvailability_ShiftOutsideWindow_NamesShift()
    {
        var mornings = Agent("eva", "phone") with { Availability = [new AvailabilityWindow(DayOfWeek.Tuesday, new TimeOnly(7, 0), new TimeOnly(15, 0))] };
        var schedule = Team(mornings).With(Shift("eva", 1, Early), Shift("eva", 1 + 7, Late));

        var check = ScheduleRules.ValidateAvailability(schedule, "eva");

        Assert.Equal(["shift on 2026-12-08 at 14:00 is outside the availability of agent eva"], check.Messages());
    }

    [Fact]
    public void ValidateLabourRules_ValidSchedule_Holds()
    {
        var schedule = Team().With(Shift("ana", 0, Early), Shift("ana", 1, Late), Shift("ben", 0, Chat));

        var check = ScheduleRules.ValidateLabourRules(schedule);

        Assert.IsType<RuleCheck.Holds>(check);
    }

    [Fact]
    public void ValidateCoverage_FewerAgentsThanNeed_NamesActivityAndInterval()
    {
        var schedule = Team().Needing(ShiftActivity.Phone, 3, 9, 10, 2).With(Shift("ana", 3, Early), Shift("cas", 3, Late));

        var check = ScheduleRules.ValidateCoverage(schedule);

        Assert.Equal(
            ["coverage for Phone on 2026-12-03 09:00-09:30 is 1 < need 2", "coverage for Phone on 2026-12-03 09:30-10:00 is 1 < need 2"],
            check.Messages());
    }

    [Fact]
    public void ValidateCoverage_AgentWithoutSkills_DoesNotCount()
    {
        var schedule = Team().Needing(ShiftActivity.Chat, 3, 9, 10, 1).With(Shift("cas", 3, Chat));

        var check = ScheduleRules.ValidateCoverage(schedule);

        Assert.Equal(2, check.Violations.Count);
    }

    [Fact]
    public void ValidateCoverageChange_RemovingAShift_SaysItWouldDrop()
    {
        var kept = Shift("ana", 3, Early);
        var before = Team().Needing(ShiftActivity.Phone, 3, 9, 10, 3).With(kept, Shift("ben", 3, Early), Shift("cas", 3, Early));
        var after = before with { Shifts = [.. before.Shifts.Where(s => s.Id != kept.Id)] };

        var check = ScheduleRules.ValidateCoverageChange(before, after);

        Assert.Equal(
            ["coverage for Phone on 2026-12-03 09:00-09:30 would drop to 2 < need 3", "coverage for Phone on 2026-12-03 09:30-10:00 would drop to 2 < need 3"],
            check.Messages());
    }

    [Fact]
    public void ValidateSetup_ValidSchedule_Holds()
    {
        var schedule = Team().Needing(ShiftActivity.Phone, 0, 8, 18, 2);

        var check = ScheduleRules.ValidateSetup(schedule);

        Assert.IsType<RuleCheck.Holds>(check);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ValidateSetup_PeriodOutsideTwoToFourWeeks_Rejected(int weeks)
    {
        var schedule = Team() with { Period = new SchedulePeriod(Monday, weeks, "UTC") };

        var check = ScheduleRules.ValidateSetup(schedule);

        Assert.Equal([$"a schedule period is 2 to 4 weeks, not {weeks}"], check.Messages());
    }

    [Theory]
    [InlineData("Europe/Amsterdam", true)]
    [InlineData("+01:00", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus", false)]
    public void ValidateSetup_TimeZone_AcceptsIanaIdsAndOffsets(string timeZone, bool valid)
    {
        var schedule = Team() with { Period = new SchedulePeriod(Monday, 2, timeZone) };

        var check = ScheduleRules.ValidateSetup(schedule);

        Assert.Equal(valid, check is RuleCheck.Holds);
    }

    [Fact]
    public void ValidateSetup_TemplateLongerThanMaximumShift_Rejected()
    {
        var schedule = Team() with { Templates = [Early with { Length = TimeSpan.FromHours(12) }] };

        var check = ScheduleRules.ValidateSetup(schedule);

        Assert.Equal(["template early is 12 h > the 10 h maximum shift length"], check.Messages());
    }

    [Fact]
    public void ValidateSetup_NeedOffTheHalfHour_Rejected()
    {
        var schedule = Team() with { Needs = [new CoverageNeed(ShiftActivity.Phone, Monday, new TimeOnly(9, 15), new TimeOnly(10, 0), 1)] };

        var check = ScheduleRules.ValidateSetup(schedule);

        Assert.Equal(ScheduleRule.Setup, Assert.Single(check.Violations).Rule);
    }
}
