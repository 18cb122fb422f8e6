using Agile.CustomerService.Domain.Cases;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests.Cases;

public class CaseDeciderTests
{
    private static IReadOnlyList<CaseEvent> Then(CaseDecision decision) =>
        Assert.IsType<Accepted>(decision).Events;

    [Fact]
    public void Open_CustomerWithOwner_OpensCaseOwnedByThatTeam()
    {
        var command = new OpenCase(CaseId, Customer("team-a"), Channel.Chat, "meter reading", CaseTier.Simple, null, null, null, "customer", T0);

        var events = Then(CaseDecider.Decide(null, command));

        var opened = Assert.IsType<CaseOpened>(Assert.Single(events));
        Assert.Equal("team-a", opened.OwningTeamId);
        Assert.Equal("customer", opened.By);
        Assert.Equal(T0, opened.At);
        Assert.Equal("new contact", opened.Reason);
    }

    [Fact]
    public void Open_CustomerWithoutOwner_IsRejected()
    {
        var command = new OpenCase(CaseId, Customer(owner: null), Channel.Chat, "x", CaseTier.Simple, null, null, null, "customer", T0);

        var decision = CaseDecider.Decide(null, command);

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void Open_RepeatContact_RecordsEarlierCaseAndLastAgent()
    {
        var customer = Customer() with { LastAgentId = "a7", LastResolvedCaseId = "cust-1~earlier", LastResolvedAt = T0.AddDays(-2) };
        var command = new OpenCase(CaseId, customer, Channel.Email, "again", CaseTier.Simple, null, null, "cust-1~earlier", "customer", T0);

        var opened = Assert.IsType<CaseOpened>(Assert.Single(Then(CaseDecider.Decide(null, command))));

        Assert.Equal("cust-1~earlier", opened.RepeatOf);
        Assert.Equal("a7", opened.PreferredAgentId);
        Assert.Contains("repeat", opened.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SelfServiceTier_WaitsForTheCustomerNotAnAgent()
    {
        var state = State(Opened(CaseTier.SelfService));

        Assert.Equal(CaseStatus.SelfService, state.Status);
    }

    [Fact]
    public void RequestPerson_SelfServiceCase_BecomesRoutable()
    {
        var state = State(Opened(CaseTier.SelfService));

        var events = Then(CaseDecider.Decide(state, new RequestPerson("customer", T0.AddMinutes(1), "answer did not help")));

        Assert.Equal(CaseStatus.New, CaseDecider.Evolve(state, Assert.Single(events))!.Status);
    }

    [Fact]
    public void Offer_QueuedCase_OffersToTheAgent()
    {
        var state = State(Opened(), Queued());

        var offered = Assert.IsType<CaseOffered>(Assert.Single(Then(CaseDecider.Decide(state, new OfferCase("team-a", "a2", T0.AddMinutes(1), "router", T0, "continuity")))));

        Assert.Equal("a2", offered.AgentId);
        Assert.Equal("continuity", offered.Reason);
    }

    [Fact]
    public void Offer_ToAgentWhoDeclined_IsRejected()
    {
        var state = State(Opened(), Offered("a1"), new OfferDeclined(CaseId, "a1", "a1", T0.AddSeconds(5), "on a call"));

        var decision = CaseDecider.Decide(state, new OfferCase("team-a", "a1", T0.AddMinutes(2), "router", T0, "x"));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void Offer_FromAnotherTeam_IsRejected()
    {
        var state = State(Opened(), Queued());

        var decision = CaseDecider.Decide(state, new OfferCase("team-b", "b1", T0.AddMinutes(1), "router", T0, "x"));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void Accept_ByOfferedAgent_PutsCaseInProgress()
    {
        var state = State(Opened(), Offered("a1"));

        var events = Then(CaseDecider.Decide(state, new AcceptOffer("a1", T0.AddSeconds(3))));

        var next = CaseDecider.Evolve(state, Assert.Single(events))!;
        Assert.Equal(CaseStatus.InProgress, next.Status);
        Assert.Equal("a1", next.AssignedTo);
    }

    [Fact]
    public void Accept_ByAnotherAgent_IsRejected()
    {
        var state = State(Opened(), Offered("a1"));

        var decision = CaseDecider.Decide(state, new AcceptOffer("a2", T0));

        Assert.Contains("not offered to a2", Assert.IsType<Rejected>(decision).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_Repeated_IsAlreadyApplied()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var decision = CaseDecider.Decide(state, new AcceptOffer("a1", T0));

        Assert.Same(AlreadyApplied.Instance, decision);
    }

    [Fact]
    public void Decline_OfferedAgent_ReturnsCaseToQueueAndRemembersTheAgent()
    {
        var state = State(Opened(), Offered("a1"));

        var events = Then(CaseDecider.Decide(state, new DeclineOffer("a1", "in a call", T0.AddSeconds(5))));

        var next = CaseDecider.Evolve(state, Assert.Single(events))!;
        Assert.Equal(CaseStatus.Queued, next.Status);
        Assert.Contains("a1", next.DeclinedBy);
        Assert.Equal("in a call", events[0].Reason);
    }

    [Fact]
    public void TimeOut_BeforeExpiry_IsRejected()
    {
        var state = State(Opened(), Offered("a1"));

        var decision = CaseDecider.Decide(state, new TimeOutOffer("a1", T0.AddMinutes(1), T0.AddSeconds(30)));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void TimeOut_AtExpiry_TakesTheOfferBack()
    {
        var state = State(Opened(), Offered("a1"));

        var events = Then(CaseDecider.Decide(state, new TimeOutOffer("a1", T0.AddMinutes(1), T0.AddMinutes(1))));

        var next = CaseDecider.Evolve(state, Assert.IsType<OfferTimedOut>(Assert.Single(events)))!;
        Assert.Equal(CaseStatus.Queued, next.Status);
        Assert.Null(next.OfferedTo);
    }

    [Fact]
    public void TimeOut_AfterTheOfferWasAccepted_ChangesNothing()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var decision = CaseDecider.Decide(state, new TimeOutOffer("a1", T0.AddMinutes(1), T0.AddMinutes(2)));

        Assert.Same(AlreadyApplied.Instance, decision);
    }

    [Fact]
    public void AskForHelp_AssignedAgent_AddsAssistantAndKeepsOwnership()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var events = Then(CaseDecider.Decide(state, new AskForHelp("a1", "a5", "tariff question", T0.AddMinutes(3))));

        var next = CaseDecider.Evolve(state, Assert.Single(events))!;
        Assert.Contains("a5", next.Assistants);
        Assert.Equal("a1", next.AssignedTo);
        Assert.Equal("team-a", next.OwningTeamId);
    }

    [Fact]
    public void AskForHelp_NotTheAssignee_IsRejected()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var decision = CaseDecider.Decide(state, new AskForHelp("a2", "a5", "x", T0));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void SpillOver_QueuedCase_MovesWorkButNotOwnership()
    {
        var state = State(Opened(), Queued());

        var events = Then(CaseDecider.Decide(state, new SpillOver("team-b", "waited 5 minutes", "router", T0.AddMinutes(5))));

        var next = CaseDecider.Evolve(state, Assert.IsType<CaseSpilledOver>(Assert.Single(events)))!;
        Assert.Equal("team-a", next.OwningTeamId);
        Assert.Equal("team-b", next.HandlingTeamId);
        Assert.Equal(["team-b"], next.HelperTeamIds);
        Assert.Equal(CaseStatus.Queued, next.Status);
    }

    [Fact]
    public void SpillOver_CaseInProgress_IsRejected()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var decision = CaseDecider.Decide(state, new SpillOver("team-b", "x", "lead", T0));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void Resolve_ByAssignee_ResolvesAndRemembersWhoServed()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var events = Then(CaseDecider.Decide(state, new ResolveCase("a1", "refund issued", T0.AddMinutes(9))));

        var next = CaseDecider.Evolve(state, Assert.Single(events))!;
        Assert.Equal(CaseStatus.Resolved, next.Status);
        Assert.Equal("a1", next.LastServedBy);
        Assert.Equal("refund issued", next.Resolution);
    }

    [Fact]
    public void Resolve_ByAnotherAgent_IsRejected()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"));

        var decision = CaseDecider.Decide(state, new ResolveCase("a2", "x", T0));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void Reopen_SpilledAndResolvedCase_ReturnsToOwningTeamPreferringLastAgent()
    {
        var state = State(
            Opened(), Queued(), new CaseSpilledOver(CaseId, "team-a", "team-b", "router", T0.AddMinutes(5), "waited"),
            Offered("b1", "team-b"), AcceptedBy("b1"), new CaseResolved(CaseId, "b1", "team-b", "done", "b1", T0.AddMinutes(9), "resolved"));

        var events = Then(CaseDecider.Decide(state, new ReopenCase("customer", "not fixed", T0.AddHours(1))));

        var next = CaseDecider.Evolve(state, Assert.Single(events))!;
        Assert.Equal(CaseStatus.New, next.Status);
        Assert.Equal("team-a", next.HandlingTeamId);
        Assert.Equal("b1", next.PreferredAgentId);
    }

    [Fact]
    public void Close_ResolvedCase_Closes()
    {
        var state = State(Opened(), Offered("a1"), AcceptedBy("a1"), new CaseResolved(CaseId, "a1", "team-a", "ok", "a1", T0, "resolved"));

        var events = Then(CaseDecider.Decide(state, new CloseCase("a1", "customer confirmed", T0.AddHours(2))));

        Assert.Equal(CaseStatus.Closed, CaseDecider.Evolve(state, Assert.Single(events))!.Status);
    }

    [Fact]
    public void Close_OpenCase_IsRejected()
    {
        var state = State(Opened(), Offered("a1"));

        var decision = CaseDecider.Decide(state, new CloseCase("a1", "x", T0));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void CaseIds_CarryTheCustomerPartition()
    {
        var id = CaseIds.New("cust-00042", Guid.Parse("0123456789abcdef0123456789abcdef"));

        Assert.Equal("cust-00042", CaseIds.CustomerOf(id));
        Assert.Null(CaseIds.CustomerOf("no-separator"));
        Assert.Null(CaseIds.CustomerOf("cust-1~short"));
    }
}
