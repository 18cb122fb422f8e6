using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Routing;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests.Dispatch;

public class DispatcherTests
{
    [Fact]
    public void NextOffer_EarliestDueCaseFirst()
    {
        var team = Team("team-a", agents: [Agent("a1")]) with
        {
            Queue = [Request() with { CaseId = "late", DueAt = T0.AddMinutes(5) }, Request() with { CaseId = "urgent", DueAt = T0.AddMinutes(2) }],
        };

        var next = Dispatcher.NextOffer(team);

        Assert.Equal("urgent", next!.Value.Case.CaseId);
    }

    [Fact]
    public void NextOffer_CaseNobodyCanTake_DoesNotBlockTheRest()
    {
        var team = Team("team-a", agents: [Agent("a1", Domain.Organisation.AgentLevel.New)]) with
        {
            Queue = [Request(CaseTier.Complex) with { CaseId = "hard", DueAt = T0 }, Request() with { CaseId = "easy", DueAt = T0.AddMinutes(1) }],
        };

        var next = Dispatcher.NextOffer(team);

        Assert.Equal("easy", next!.Value.Case.CaseId);
    }
}

public class ReconciliationTests
{
    private static TeamDispatch Holding(string agent, DateTimeOffset? expires, int baseVersion = 0) =>
        Team("team-a", agents: [Agent("a1") with { Loads = agent == "a1" ? [new CaseLoad(CaseId, "cust-1", T0, expires, baseVersion)] : [] }, Agent("a2")]);

    [Fact]
    public void Reconcile_ResolvedCase_ReleasesTheHold()
    {
        var c = State(Opened(), Offered("a1"), AcceptedBy("a1"), new CaseResolved(CaseId, "a1", "team-a", "ok", "a1", T0, "resolved"));

        var correction = TeamReconciliation.Reconcile(Holding("a1", null), CaseId, c, RoutingPolicy.Default, T0.AddMinutes(1));

        Assert.False(correction.Dispatch.Holds(CaseId));
    }

    [Fact]
    public void Reconcile_AcceptedCase_ConfirmsTheHoldSoItNeverExpires()
    {
        var c = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var correction = TeamReconciliation.Reconcile(Holding("a1", T0.AddMinutes(1)), CaseId, c, RoutingPolicy.Default, T0.AddSeconds(20));

        Assert.Null(correction.Dispatch.Agent("a1")!.Loads.Single().ExpiresAt);
    }

    [Fact]
    public void Reconcile_DeclinedCase_ReleasesAndRequeues()
    {
        var c = State(Opened(), Offered("a1"), new OfferDeclined(CaseId, "a1", "a1", T0.AddSeconds(5), "busy"));

        var correction = TeamReconciliation.Reconcile(Holding("a1", T0.AddMinutes(1)), CaseId, c, RoutingPolicy.Default, T0.AddSeconds(6));

        Assert.False(correction.Dispatch.Holds(CaseId));
        Assert.Equal(QueueAction.Put, correction.Queue);
        Assert.Equal(["a1"], correction.QueueItem!.DeclinedBy);
    }

    [Fact]
    public void Reconcile_QueuedCaseWithOfferInFlight_KeepsTheReservation()
    {
        var c = State(Opened(), Queued());

        var correction = TeamReconciliation.Reconcile(Holding("a1", T0.AddMinutes(1), baseVersion: c.Version), CaseId, c, RoutingPolicy.Default, T0.AddSeconds(1));

        Assert.True(correction.Dispatch.Holds(CaseId));
        Assert.Equal(QueueAction.None, correction.Queue);
    }

    [Fact]
    public void Reconcile_ReopenedCaseWithLeftoverReservation_ReleasesAndRequeues()
    {
        var c = State(Opened(), Offered("a1"), AcceptedBy("a1"), new CaseResolved(CaseId, "a1", "team-a", "ok", "a1", T0, "resolved"), new CaseReopened(CaseId, "customer", T0, "again"));

        var correction = TeamReconciliation.Reconcile(Holding("a1", T0.AddMinutes(1), baseVersion: 0), CaseId, c, RoutingPolicy.Default, T0.AddSeconds(1));

        Assert.False(correction.Dispatch.Holds(CaseId));
        Assert.Equal(QueueAction.Put, correction.Queue);
    }

    [Fact]
    public void Reconcile_CaseSpilledToAnotherTeam_ReleasesEverythingHere()
    {
        var c = State(Opened(), Queued(), new CaseSpilledOver(CaseId, "team-a", "team-b", "router", T0, "waited"));
        var team = Holding("a1", T0.AddMinutes(1)) with { Queue = [Request()] };

        var correction = TeamReconciliation.Reconcile(team, CaseId, c, RoutingPolicy.Default, T0.AddSeconds(1));

        Assert.False(correction.Dispatch.Holds(CaseId));
        Assert.Equal(QueueAction.Delete, correction.Queue);
    }
}
