using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Routing;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests.Metrics;

/// <summary>Given a case history, when one of its events is counted, then these are its contributions.</summary>
public class CaseMetricsTests
{
    private static readonly RoutingPolicy Policy = RoutingPolicy.Default;

    private static CaseResolved ResolvedBy(string agent, string team, int minutes) => new(CaseId, agent, team, "done", agent, T0.AddMinutes(minutes), "resolved");

    private static IReadOnlyList<Contribution> Last(params CaseEvent[] history) => CaseMetrics.Of(history, history.Length - 1, Policy);

    private static DailyTeamRollup Team(IReadOnlyList<Contribution> contributions, string team) => contributions.Single(c => c.TeamId == team).Delta;

    [Fact]
    public void Resolved_ByTheFirstAgentWithoutHandOff_IsFirstContactResolution()
    {
        var contributions = Last(Opened(), Offered(), AcceptedBy(), ResolvedBy("a1", "team-a", 10));

        var owner = Team(contributions, "team-a");
        Assert.Equal((1, 1, 0), (owner.Resolved, owner.FirstContactResolved, owner.HandedOff));
        Assert.Equal((1, 590L), (owner.Handled, owner.HandleSeconds));
    }

    [Fact]
    public void Resolved_AfterSpillOver_IsHandOffAndCreditsTheHelper()
    {
        var contributions = Last(
            Opened(), Queued(), new CaseSpilledOver(CaseId, "team-a", "team-b", "router", T0.AddMinutes(5), "waited"),
            Offered("b1", "team-b"), AcceptedBy("b1"), ResolvedBy("b1", "team-b", 20));

        var owner = Team(contributions, "team-a");
        var helper = Team(contributions, "team-b");
        Assert.Equal((1, 0, 1), (owner.Resolved, owner.FirstContactResolved, owner.HandedOff));
        Assert.Equal((1, 1, 0), (helper.AssistsResolved, helper.Handled, helper.Resolved));
    }

    [Fact]
    public void Resolved_SecondTimeAfterReopen_IsNotFirstContact()
    {
        var contributions = Last(
            Opened(), Offered(), AcceptedBy(), ResolvedBy("a1", "team-a", 10),
            new CaseReopened(CaseId, "customer", T0.AddMinutes(30), "not fixed"), Offered(), AcceptedBy(), ResolvedBy("a1", "team-a", 40));

        Assert.Equal(0, Team(contributions, "team-a").FirstContactResolved);
    }

    [Fact]
    public void Opened_RepeatContact_CountsOpenedRepeatAndBacklog()
    {
        var repeat = Opened() with { RepeatOf = "cust-1~00000000000000000000000000000000" };

        var owner = Team(Last(repeat), "team-a");

        Assert.Equal((1, 1, 1), (owner.Opened, owner.Repeats, owner.BacklogIn));
        Assert.Equal(T0.ToUnixTimeSeconds(), owner.BacklogInSeconds);
    }

    [Fact]
    public void FirstAcceptance_WithinTheTierTarget_MeetsTheSla()
    {
        var vulnerable = Opened() with { CustomerTier = CustomerTier.Vulnerable };
        var late = new OfferAccepted(CaseId, "a1", "a1", T0.AddMinutes(3), "accepted");

        var owner = Team(Last(vulnerable, Offered(), late), "team-a");

        Assert.Equal(new SlaCount(1, 0), owner.SlaVulnerable);
        Assert.Equal(SlaCount.Zero, owner.SlaStandard);
    }

    [Fact]
    public void Resolved_LeavesTheBacklogWithItsEntryTime()
    {
        var owner = Team(Last(Opened(), Offered(), AcceptedBy(), ResolvedBy("a1", "team-a", 10)), "team-a");

        Assert.Equal((1, T0.ToUnixTimeSeconds()), (owner.BacklogOut, owner.BacklogOutSeconds));
    }

    [Fact]
    public void Backlog_AtTheEndOfADay_AgesFromEntry()
    {
        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        var rollups = new[] { DailyTeamRollup.Empty("team-a", day) with { BacklogIn = 2, BacklogInSeconds = 2 * T0.ToUnixTimeSeconds() } };

        var backlog = BacklogState.AtEndOf(rollups, day);

        Assert.Equal(2 * 15 * 3600, backlog.AgeSecondsSum(Kpis.EndOf(day, T0.AddDays(2))));
    }

    [Fact]
    public void Kpis_ExemptHandleInWindow_IsTakenOut()
    {
        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        var rollups = new[] { DailyTeamRollup.Empty("team-a", day) with { Handled = 2, HandleSeconds = 700, HandleSecondsSquared = 100 * 100 + 600 * 600 } };

        var metrics = Kpis.ForTeam("team-a", rollups, day, day, 10, [new ExemptHandle("c", day, 600)], T0.AddDays(1));

        Assert.Equal(new KpiValue(100, 100, 1), metrics.Kpis["averageHandleTime"]);
    }

    [Fact]
    public void Kpis_NoDenominator_ValueIsNull()
    {
        var day = DateOnly.FromDateTime(T0.UtcDateTime);

        var metrics = Kpis.ForTeam("team-a", [], day, day, 10, [], T0);

        Assert.All(metrics.Kpis.Where(k => k.Key != "customersServedPerAgent"), k => Assert.Null(k.Value.Value));
    }

    [Fact]
    public void Fold_TwoResolutionsOfOneCustomerOnOneDay_ServeOneCustomer()
    {
        var history = new CaseEvent[]
        {
            Opened(), Offered(), AcceptedBy(), ResolvedBy("a1", "team-a", 10),
            new CaseReopened(CaseId, "customer", T0.AddMinutes(30), "not fixed"), Offered(), AcceptedBy(), ResolvedBy("a1", "team-a", 40),
        };
        var fold = new RollupFold();

        for (var i = 0; i < history.Length; i++)
        {
            foreach (var c in CaseMetrics.Of(history, i, Policy))
            {
                fold.Add(c, $"{CaseId}:{i + 1}", _ => "cust-1");
            }
        }

        var day = Assert.Single(fold.Rollups);
        Assert.Equal((2, 1), (day.Resolved, day.CustomersServed));
    }
}
