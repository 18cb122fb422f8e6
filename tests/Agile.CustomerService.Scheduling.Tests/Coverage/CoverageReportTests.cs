using static Agile.CustomerService.Scheduling.Tests.Given;

namespace Agile.CustomerService.Scheduling.Tests.Coverage;

public sealed class CoverageReportTests
{
    [Fact]
    public void For_ShiftsAgainstNeed_ReportsEachIntervalScheduledAndNeed()
    {
        var schedule = Team().Needing(ShiftActivity.Phone, 0, 14, 16, 2).With(Shift("ana", 0, Early));

        var report = CoverageReport.For(schedule);

        var phone = report.Intervals.Where(i => i.Activity == ShiftActivity.Phone && i.Start >= At(0, 14) && i.Start < At(0, 16)).ToArray();
        Assert.Equal([(1, 2), (1, 2), (0, 2), (0, 2)], phone.Select(i => (i.Scheduled, i.Need)));
    }

    [Fact]
    public void For_ShortAndSurplusIntervals_TotalsInAgentIntervals()
    {
        var schedule = Team().Needing(ShiftActivity.Phone, 0, 7, 9, 2).With(Shift("ana", 0, Early));

        var report = CoverageReport.For(schedule);

        Assert.Equal(new CoverageTotals(Need: 8, Covered: 4, Shortfall: 4, Surplus: 12), report.Totals);
    }

    [Fact]
    public void For_UnevenWeekendsAndLateShifts_ReportsSpread()
    {
        var schedule = Team(Agent("ana", "phone"), Agent("ben", "phone"))
            .With(Shift("ana", 5, Early), Shift("ana", 6, Late), Shift("ben", 1, Early));

        var report = CoverageReport.For(schedule);

        Assert.Equal(new FairnessSpread(TimeSpan.FromHours(8), WeekendDays: 2, LateShifts: 1), report.Fairness);
    }

    [Fact]
    public void TargetHours_DayOfTimeOff_LowersTargetBySeventhOfWeek()
    {
        var schedule = Team().WithTimeOff("ana", At(2, 0), At(3, 0));

        var target = CoverageReport.TargetHours(schedule, schedule.FindAgent("ana")!);

        Assert.Equal(36 * 13 / 7.0, target.TotalHours, precision: 6);
    }
}
