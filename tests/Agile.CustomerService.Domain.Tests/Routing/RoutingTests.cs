using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Routing;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests.Routing;

public class OwnerSelectionTests
{
    [Fact]
    public void Choose_FirstContact_PicksFewestCustomersPerActiveAgent()
    {
        var busy = Team("busy", customers: 100, agents: [Agent("b1"), Agent("b2")]);
        var light = Team("light", customers: 120, agents: [Agent("l1"), Agent("l2"), Agent("l3"), Agent("l4")]);

        var owner = OwnerSelection.Choose(Customer(owner: null), [busy, light]);

        Assert.Equal("light", owner!.TeamId);
    }

    [Fact]
    public void Choose_OnlyTeamsOfTheCustomersRegionAndSegment()
    {
        var otherRegion = Team("south", region: "south", customers: 0, agents: [Agent("s1")]);
        var otherSegment = Team("biz", segment: "business", customers: 0, agents: [Agent("z1")]);
        var match = Team("res", customers: 5000, agents: [Agent("r1")]);

        var owner = OwnerSelection.Choose(Customer(owner: null), [otherRegion, otherSegment, match]);

        Assert.Equal("res", owner!.TeamId);
    }

    [Fact]
    public void Choose_NoTeamServesTheSegment_ReturnsNull()
    {
        var owner = OwnerSelection.Choose(Customer(owner: null, segment: "enterprise"), [Team("res", agents: [Agent("r1")])]);

        Assert.Null(owner);
    }

    [Fact]
    public void Choose_TeamWithNobodyActive_ComesLast()
    {
        var empty = Team("empty", customers: 0, agents: [Agent("e1", available: false)]);
        var staffed = Team("staffed", customers: 900, agents: [Agent("s1")]);

        var owner = OwnerSelection.Choose(Customer(owner: null), [empty, staffed]);

        Assert.Equal("staffed", owner!.TeamId);
    }
}

public class RepeatContactTests
{
    [Fact]
    public void Of_ContactWithinWindow_IsARepeatOfLastResolvedCase()
    {
        var customer = Customer() with { LastResolvedCaseId = "c-old", LastResolvedAt = T0.AddDays(-6) };

        Assert.Equal("c-old", RepeatContact.Of(customer, T0, RoutingPolicy.Default));
    }

    [Fact]
    public void Of_ContactAfterWindow_IsNotARepeat()
    {
        var customer = Customer() with { LastResolvedCaseId = "c-old", LastResolvedAt = T0.AddDays(-8) };

        Assert.Null(RepeatContact.Of(customer, T0, RoutingPolicy.Default));
    }

    [Fact]
    public void Of_ConfiguredWindow_IsHonoured()
    {
        var customer = Customer() with { LastResolvedCaseId = "c-old", LastResolvedAt = T0.AddDays(-8) };
        var policy = RoutingPolicy.Default with { RepeatWindow = TimeSpan.FromDays(14) };

        Assert.Equal("c-old", RepeatContact.Of(customer, T0, policy));
    }
}

public class OfferSelectionTests
{
    [Fact]
    public void Choose_LastAgentHasCapacity_KeepsContinuity()
    {
        var team = Team("team-a", agents: [Agent("a1", load: 2), Agent("a2", load: 0)]);

        var choice = OfferSelection.Choose(Request(preferred: "a1"), team);

        Assert.Equal("a1", choice!.Agent.AgentId);
        Assert.StartsWith("continuity", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_LastAgentFull_PicksMostSpareCapacity()
    {
        var team = Team("team-a", agents: [Agent("a1", load: 3), Agent("a2", load: 2), Agent("a3", load: 1)]);

        var choice = OfferSelection.Choose(Request(preferred: "a1"), team);

        Assert.Equal("a3", choice!.Agent.AgentId);
    }

    [Fact]
    public void Choose_ComplexCase_SkipsNewAgents()
    {
        var team = Team("team-a", agents: [Agent("new", AgentLevel.New), Agent("pro", AgentLevel.Proficient, load: 2)]);

        var choice = OfferSelection.Choose(Request(CaseTier.Complex), team);

        Assert.Equal("pro", choice!.Agent.AgentId);
    }

    [Fact]
    public void Choose_ComplexCaseNeedingASkill_NewAgentWithTheSkillIsEligible()
    {
        var team = Team("team-a", agents: [Agent("new", AgentLevel.New, skills: "meters"), Agent("pro", AgentLevel.Proficient)]);

        var choice = OfferSelection.Choose(Request(CaseTier.Complex, skill: "meters"), team);

        Assert.Equal("new", choice!.Agent.AgentId);
    }

    [Fact]
    public void Choose_SimpleCaseTie_PrefersLessSeniorAgent()
    {
        var team = Team("team-a", agents: [Agent("expert", AgentLevel.Expert), Agent("new", AgentLevel.New)]);

        var choice = OfferSelection.Choose(Request(CaseTier.Simple), team);

        Assert.Equal("new", choice!.Agent.AgentId);
    }

    [Fact]
    public void Choose_NobodyAvailableOrWithCapacity_ReturnsNull()
    {
        var team = Team("team-a", agents: [Agent("a1", load: 3), Agent("a2", available: false), Agent("a3")]);

        var choice = OfferSelection.Choose(Request(declined: "a3"), team);

        Assert.Null(choice);
    }
}

public class SpillOverSelectionTests
{
    [Fact]
    public void ChooseHelper_SameRegionTeamCanHelp_IsPreferredOverHealthierTeamElsewhere()
    {
        var owner = Team("team-a", agents: [Agent("a1", load: 3)]);
        var near = Team("near", agents: [Agent("n1", load: 2)]);
        var far = Team("far", region: "south", agents: [Agent("f1"), Agent("f2")]);

        var helper = SpillOverSelection.ChooseHelper(Request(), owner, [owner, near, far]);

        Assert.Equal("near", helper!.TeamId);
    }

    [Fact]
    public void ChooseHelper_NoRegionalCapacity_PicksHealthiestTeamElsewhere()
    {
        var owner = Team("team-a", agents: [Agent("a1", load: 3)]);
        var nearFull = Team("near", agents: [Agent("n1", load: 3)]);
        var farSmall = Team("far-small", region: "south", agents: [Agent("f1", load: 2)]);
        var farBig = Team("far-big", region: "west", agents: [Agent("g1"), Agent("g2")]);

        var helper = SpillOverSelection.ChooseHelper(Request(), owner, [owner, nearFull, farSmall, farBig]);

        Assert.Equal("far-big", helper!.TeamId);
    }

    [Fact]
    public void ChooseHelper_OnlyIneligibleAgentsElsewhere_ReturnsNull()
    {
        var owner = Team("team-a", agents: [Agent("a1", load: 3)]);
        var juniors = Team("juniors", agents: [Agent("j1", AgentLevel.New)]);

        var helper = SpillOverSelection.ChooseHelper(Request(CaseTier.Complex), owner, [owner, juniors]);

        Assert.Null(helper);
    }
}
