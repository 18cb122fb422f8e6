using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Routing;
using CsCheck;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests;

/// <summary>Invariants over random command sequences (CsCheck shrinks any counter-example).</summary>
public class Properties
{
    private static readonly string[] AgentIds = ["a1", "a2", "a3", "b1"];
    private static readonly string[] TeamIds = ["team-a", "team-b", "team-c"];

    /// <summary>Any command the case could receive, built from a few small integers.</summary>
    private static readonly Gen<(int Kind, int Agent, int Team, int Minutes)> Step =
        Gen.Select(Gen.Int[0, 11], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 10]);

    private static CaseCommand ToCommand((int Kind, int Agent, int Team, int Minutes) s, SupportCase state)
    {
        var agent = AgentIds[s.Agent];
        var at = T0.AddMinutes(s.Minutes);
        return s.Kind switch
        {
            0 => new QueueCase(state.HandlingTeamId, at.AddMinutes(5), "router", at, "no agent"),
            1 => new OfferCase(state.HandlingTeamId, agent, at.AddMinutes(1), "router", at, "most spare capacity"),
            2 => new AcceptOffer(agent, at),
            3 => new DeclineOffer(agent, "busy", at),
            4 => new TimeOutOffer(agent, state.OfferExpiresAt ?? at, at.AddMinutes(2)),
            5 => new AskForHelp(agent, AgentIds[(s.Agent + 1) % AgentIds.Length], "second opinion", at),
            6 => new SpillOver(TeamIds[s.Team], "waited", "router", at),
            7 => new ResolveCase(agent, "done", at),
            8 => new ReopenCase("customer", "not fixed", at),
            9 => new CloseCase(agent, "confirmed", at),
            10 => new RequestPerson("customer", at, "wants a person"),
            _ => new OfferCase(TeamIds[s.Team], agent, at.AddMinutes(1), "router", at, "x"),
        };
    }

    [Fact]
    public void Case_AnyCommandSequence_OwningTeamNeverChanges()
    {
        Gen.Select(Gen.Int[0, 1], Step.Array[1, 40]).Sample(t =>
        {
            var (tier, steps) = t;
            var state = State(Opened(tier == 0 ? CaseTier.SelfService : CaseTier.Complex));
            foreach (var step in steps)
            {
                if (CaseDecider.Decide(state, ToCommand(step, state)) is Accepted accepted)
                {
                    state = accepted.Events.Aggregate((SupportCase?)state, CaseDecider.Evolve)!;
                }

                Assert.Equal("team-a", state.OwningTeamId);
            }
        }, iter: 500);
    }

    [Fact]
    public void Case_RepeatedCommand_ChangesNothing()
    {
        Step.Array[1, 40].Sample(steps =>
        {
            var state = State(Opened());
            foreach (var step in steps)
            {
                var command = ToCommand(step, state);
                if (CaseDecider.Decide(state, command) is not Accepted accepted)
                {
                    continue;
                }

                state = accepted.Events.Aggregate((SupportCase?)state, CaseDecider.Evolve)!;
                var again = CaseDecider.Decide(state, command);
                Assert.False(again is Accepted, $"{command.GetType().Name} applied twice on {state.Status}");
            }
        }, iter: 500);
    }

    [Fact]
    public void Case_OfferedOrAssigned_HasExactlyTheFieldsOfItsStatus()
    {
        Step.Array[1, 40].Sample(steps =>
        {
            var state = State(Opened());
            foreach (var step in steps)
            {
                if (CaseDecider.Decide(state, ToCommand(step, state)) is Accepted accepted)
                {
                    state = accepted.Events.Aggregate((SupportCase?)state, CaseDecider.Evolve)!;
                }

                Assert.Equal(state.Status == CaseStatus.Offered, state.OfferedTo is not null);
                Assert.Equal(state.Status == CaseStatus.InProgress, state.AssignedTo is not null);
            }
        }, iter: 500);
    }

    [Fact]
    public void Team_AnyInterleavingOfOffersReleasesAndReconciles_NoAgentOverCapacity()
    {
        var op = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 7], Gen.Int[0, 2]);
        op.Array[1, 60].Sample(ops =>
        {
            var team = Team("team-a", agents: [Agent("a1", capacity: 1), Agent("a2", capacity: 2), Agent("a3", capacity: 3)]);
            foreach (var (kind, caseNo, agentNo) in ops)
            {
                var caseId = $"cust-1~{caseNo:D32}";
                var request = Request() with { CaseId = caseId };
                team = kind switch
                {
                    0 when OfferSelection.Choose(request, team) is { } choice =>
                        team.Reserve(choice.Agent.AgentId, new CaseLoad(caseId, "cust-1", T0, T0.AddMinutes(1))),
                    1 => team.Release(caseId),
                    2 => TeamReconciliation.Reconcile(team, caseId, HeldBy(caseId, $"a{agentNo + 1}"), RoutingPolicy.Default, T0.AddMinutes(2)).Dispatch,
                    3 => team.WithAgent(team.Agents[agentNo] with { Available = !team.Agents[agentNo].Available }),
                    _ => team,
                };

                Assert.All(team.Agents, a => Assert.True(a.Loads.Count <= a.Capacity, $"{a.AgentId} holds {a.Loads.Count} > {a.Capacity}"));
                Assert.All(team.Agents.SelectMany(a => a.Loads).GroupBy(l => l.CaseId), g => Assert.Single(g));
            }
        }, iter: 500);
    }

    [Fact]
    public void Team_Reconcile_IsIdempotent()
    {
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 2], Gen.Int[0, 3]).Sample(t =>
        {
            var (status, agentNo, minutes) = t;
            var agent = $"a{agentNo + 1}";
            var c = status switch
            {
                0 => State(Opened(), Queued()),
                1 => State(Opened(), Offered(agent)),
                2 => State(Opened(), Offered(agent), AcceptedBy(agent)),
                3 => State(Opened(), Offered(agent), new OfferDeclined(CaseId, agent, agent, T0, "busy")),
                4 => State(Opened(), Queued(), new CaseSpilledOver(CaseId, "team-a", "team-b", "router", T0, "waited")),
                5 => State(Opened(), Offered(agent), AcceptedBy(agent), new CaseResolved(CaseId, agent, "team-a", "ok", agent, T0, "resolved")),
                _ => null,
            };
            var team = Team("team-a", agents: [Agent("a1") with { Loads = [new CaseLoad(CaseId, "cust-1", T0, T0.AddMinutes(1), c?.Version ?? 0)] }, Agent("a2"), Agent("a3")]);
            var now = T0.AddMinutes(minutes);

            var once = TeamReconciliation.Reconcile(team, CaseId, c, RoutingPolicy.Default, now);
            var applied = once.Queue == QueueAction.Put ? once.Dispatch with { Queue = [once.QueueItem!] } : once.Dispatch;
            var twice = TeamReconciliation.Reconcile(applied, CaseId, c, RoutingPolicy.Default, now);

            Assert.False(twice.Changed);
        }, iter: 300);
    }

    private static SupportCase HeldBy(string caseId, string agent) =>
        State(Opened(), Offered(agent), AcceptedBy(agent)) with { Id = caseId };
}
