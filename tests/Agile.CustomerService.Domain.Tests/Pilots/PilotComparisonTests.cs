using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Pilots;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests.Pilots;

public class PilotComparisonTests
{
    private static readonly DateOnly Day = DateOnly.FromDateTime(T0.UtcDateTime);

    private static TeamMetrics Metrics(DailyTeamRollup total) =>
        Kpis.ForTeam("g", [total], Day, Day, 10, [], T0.AddDays(1));

    [Fact]
    public void RepeatContacts_TwentyPercentFewer_IsConsistentWithTheReportedEffect()
    {
        var pilot = Metrics(DailyTeamRollup.Empty("g", Day) with { Opened = 5000, Repeats = 400 });
        var baseline = Metrics(DailyTeamRollup.Empty("g", Day) with { Opened = 5000, Repeats = 500 });

        var repeat = PilotComparison.Compare(pilot, baseline).Single(k => k.Kpi == "repeatContactRate");

        Assert.Equal(-0.2, repeat.RelativeDifference!.Value, 6);
        Assert.Equal("better", repeat.Verdict);
        Assert.True(repeat.ConsistentWithExpected);
    }

    [Fact]
    public void Complaints_NoChange_IsNotClearAndNotTheReportedHalving()
    {
        var pilot = Metrics(DailyTeamRollup.Empty("g", Day) with { Opened = 2000, Complaints = 40 });
        var baseline = Metrics(DailyTeamRollup.Empty("g", Day) with { Opened = 2000, Complaints = 40 });

        var complaints = PilotComparison.Compare(pilot, baseline).Single(k => k.Kpi == "complaintRate");

        Assert.Equal("no clear difference", complaints.Verdict);
        Assert.False(complaints.ConsistentWithExpected);
    }

    [Fact]
    public void PrePilotBaseline_DefaultsToTheSameLengthJustBeforeTheStart()
    {
        var pilot = new Pilot("p", "north", ["t1"], Day, new Baseline(BaselineKind.PrePilot, [], null), "admin", T0);

        var (teams, from, to) = pilot.BaselineWindow(Day.AddDays(9));

        Assert.Equal(["t1"], teams);
        Assert.Equal((Day.AddDays(-10), Day.AddDays(-1)), (from, to));
    }

    [Fact]
    public void SpillOverReceived_More_IsHigherNotBetter()
    {
        var pilot = Metrics(DailyTeamRollup.Empty("g", Day) with { Opened = 1000, AssistsTaken = 200 });
        var baseline = Metrics(DailyTeamRollup.Empty("g", Day) with { Opened = 1000, AssistsTaken = 50 });

        var received = PilotComparison.Compare(pilot, baseline).Single(k => k.Kpi == "spillOverReceived");

        Assert.Equal(("neither", "higher"), (received.Better, received.Verdict));
    }
}
