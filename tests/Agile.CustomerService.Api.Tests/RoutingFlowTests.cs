using System.Net;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Api.Tests;

/// <summary>The spine end to end through HTTP: sticky ownership, offers, spill-over, repeat contacts.</summary>
public class RoutingFlowTests : AppTests
{
    public RoutingFlowTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosRoutingFlowTests"/>).</param>
    protected RoutingFlowTests(TestApp app)
        : base(app)
    {
    }

    /// <summary>A second app with settings of its own, on the same kind of store as the class's.</summary>
    protected virtual TestApp NewApp(params (string Key, string Value)[] settings) => new(settings);

    [Fact]
    public async Task Intake_KnownCustomer_OffersToAnAgentOfTheOwningTeam()
    {
        var c = await App.IntakeAsync("cust-00005");

        Assert.Equal("north-1", c.Str("owningTeamId"));
        Assert.Equal("offered", c.Str("status"));
        Assert.StartsWith("north-1-a", c.Str("offeredTo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Intake_FirstContact_AssignsTheTeamWithFewestCustomersPerActiveAgent()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        await App.SetTeamAvailabilityAsync("north-2", false);
        await App.SetTeamAvailabilityAsync("north-3", false);

        var c = await App.IntakeAsync("cust-00151");

        Assert.Equal("north-4", c.Str("owningTeamId"));
        var customer = await TestApp.Json(await App.Client.GetAsync("/api/customers/cust-00151"));
        var ownership = customer.GetProperty("customer").GetProperty("ownership");
        Assert.Equal("router", ownership[0].Str("by"));
        Assert.Equal("north-4", ownership[0].Str("toTeamId"));
    }

    [Fact]
    public async Task Intake_SecondContact_StaysWithTheSameTeam()
    {
        var first = await App.IntakeAsync("cust-00152");

        var second = await App.IntakeAsync("cust-00152");

        Assert.Equal(first.Str("owningTeamId"), second.Str("owningTeamId"));
    }

    [Fact]
    public async Task Decline_OfferedAgent_CaseIsOfferedToAnotherAgentOfTheTeam()
    {
        var c = await App.IntakeAsync("cust-00005");
        var first = c.Str("offeredTo");

        var response = await App.ActAsync(c.Str("id"), "decline", new { agentId = first, reason = "on a call" });
        await App.SettleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("offered", after.Str("status"));
        Assert.NotEqual(first, after.Str("offeredTo"));
        Assert.StartsWith("north-1-", after.Str("offeredTo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfferTimeout_NoAnswer_TakesBackAndOffersTheNextAgent()
    {
        var c = await App.IntakeAsync("cust-00005");
        var first = c.Str("offeredTo");

        await App.AdvanceAsync(TimeSpan.FromSeconds(61));

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("offered", after.Str("status"));
        Assert.NotEqual(first, after.Str("offeredTo"));
        var history = after.GetProperty("id").GetString();
        Assert.NotNull(history);
    }

    [Fact]
    public async Task OfferTimeout_BeforeExpiry_OfferStands()
    {
        var c = await App.IntakeAsync("cust-00005");

        await App.AdvanceAsync(TimeSpan.FromSeconds(59));

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal(c.Str("offeredTo"), after.Str("offeredTo"));
    }

    [Fact]
    public async Task SpillOver_OwningTeamUnavailablePastThreshold_HelperTeamTakesItAndOwnerStaysAccountable()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        var c = await App.IntakeAsync("cust-00005");
        Assert.Equal("queued", c.Str("status"));

        await App.AdvanceAsync(TimeSpan.FromMinutes(5));

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("north-1", after.Str("owningTeamId"));
        Assert.NotEqual("north-1", after.Str("handlingTeamId"));
        Assert.Equal("offered", after.Str("status"));
        var helper = after.Str("handlingTeamId");
        var ownerBoard = await App.BoardAsync("north-1");
        Assert.Equal(1, ownerBoard.GetProperty("counts").GetProperty("spilledOut").GetInt32());
        Assert.Equal(c.Str("id"), ownerBoard.GetProperty("owned")[0].Str("caseId"));
        var helperBoard = await App.BoardAsync(helper);
        Assert.Equal(c.Str("id"), helperBoard.GetProperty("helping")[0].Str("caseId"));
    }

    [Fact]
    public async Task SpillOver_StandardCustomerBeforeThreshold_StaysQueuedWithOwner()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        var c = await App.IntakeAsync("cust-00005");

        await App.AdvanceAsync(TimeSpan.FromMinutes(4));

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("north-1", after.Str("handlingTeamId"));
        Assert.Equal("queued", after.Str("status"));
    }

    [Fact]
    public async Task SpillOver_PriorityCustomer_SpillsAfterItsShorterThreshold()
    {
        await App.SetTeamAvailabilityAsync("north-2", false);
        var c = await App.IntakeAsync("cust-00010");

        await App.AdvanceAsync(TimeSpan.FromMinutes(2));

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("north-2", after.Str("owningTeamId"));
        Assert.NotEqual("north-2", after.Str("handlingTeamId"));
    }

    [Fact]
    public async Task SpillOver_ThresholdIsConfigurable()
    {
        using var app = NewApp(("Routing:SpillAfterStandard", "00:00:30"));
        await app.SetTeamAvailabilityAsync("north-1", false);
        var c = await app.IntakeAsync("cust-00005");

        await app.AdvanceAsync(TimeSpan.FromSeconds(30));

        var (after, _) = await app.CaseAsync(c.Str("id"));
        Assert.NotEqual("north-1", after.Str("handlingTeamId"));
    }

    [Fact]
    public async Task Spill_TeamLeadAsksForHelpNow_CaseGoesToAHelperTeamAtOnce()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        var c = await App.IntakeAsync("cust-00005");

        var response = await App.ActAsync(c.Str("id"), "spill", new { by = "north-1-a10", reason = "team in a workshop" });
        await App.SettleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("north-1", after.Str("owningTeamId"));
        Assert.Equal("offered", after.Str("status"));
        Assert.StartsWith(after.Str("handlingTeamId"), after.Str("offeredTo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatContact_WithinSevenDays_ReturnsToTheSameAgentAndLinksTheEarlierCase()
    {
        var first = await App.IntakeAsync("cust-00005");
        var agent = first.Str("offeredTo");
        await App.ActAsync(first.Str("id"), "accept", new { agentId = agent });
        await App.ActAsync(first.Str("id"), "resolve", new { agentId = agent, resolution = "explained the bill" });
        await App.AdvanceAsync(TimeSpan.FromDays(3));

        var repeat = await App.IntakeAsync("cust-00005");

        Assert.Equal(first.Str("id"), repeat.Str("repeatOf"));
        Assert.Equal(agent, repeat.Str("offeredTo"));
        Assert.Equal("north-1", repeat.Str("owningTeamId"));
        await App.SettleAsync();
        var board = await App.BoardAsync("north-1", "all");
        Assert.Equal(1, board.GetProperty("counts").GetProperty("repeats").GetInt32());
    }

    [Fact]
    public async Task Board_FinishedCase_LeavesTheBoardThirtyDaysAfterItsLastChange_AnOpenOneStays()
    {
        var done = await App.IntakeAsync("cust-00005");
        var open = await App.IntakeAsync("cust-00009");
        await App.ActAsync(done.Str("id"), "accept", new { agentId = done.Str("offeredTo") });
        await App.ActAsync(done.Str("id"), "resolve", new { agentId = done.Str("offeredTo"), resolution = "done" });
        await App.SettleAsync();
        static IEnumerable<string> Ids(System.Text.Json.JsonElement board) => board.GetProperty("owned").EnumerateArray().Select(e => e.Str("caseId"));
        Assert.Contains(done.Str("id"), Ids(await App.BoardAsync("north-1", "all")));

        await App.AdvanceAsync(TimeSpan.FromDays(29));
        Assert.Contains(done.Str("id"), Ids(await App.BoardAsync("north-1", "all")));
        await App.AdvanceAsync(TimeSpan.FromDays(2));

        var board = Ids(await App.BoardAsync("north-1", "all")).ToList();
        Assert.DoesNotContain(done.Str("id"), board);
        Assert.Contains(open.Str("id"), board);
    }

    [Fact]
    public async Task RepeatContact_AfterTheWindow_IsANewRequest()
    {
        var first = await App.IntakeAsync("cust-00005");
        var agent = first.Str("offeredTo");
        await App.ActAsync(first.Str("id"), "accept", new { agentId = agent });
        await App.ActAsync(first.Str("id"), "resolve", new { agentId = agent, resolution = "done" });
        await App.AdvanceAsync(TimeSpan.FromDays(8));

        var next = await App.IntakeAsync("cust-00005");

        Assert.Null(next.StrOrNull("repeatOf"));
    }

    [Fact]
    public async Task RepeatContact_SpilledCaseResolvedByHelper_ComesBackToTheOwningTeam()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        var first = await App.IntakeAsync("cust-00005");
        await App.AdvanceAsync(TimeSpan.FromMinutes(5));
        var (spilled, _) = await App.CaseAsync(first.Str("id"));
        await App.ActAsync(first.Str("id"), "accept", new { agentId = spilled.Str("offeredTo") });
        await App.ActAsync(first.Str("id"), "resolve", new { agentId = spilled.Str("offeredTo"), resolution = "done" });
        await App.SetTeamAvailabilityAsync("north-1", true);

        var repeat = await App.IntakeAsync("cust-00005");

        Assert.Equal("north-1", repeat.Str("owningTeamId"));
        Assert.Equal("north-1", repeat.Str("handlingTeamId"));
        Assert.Equal(first.Str("id"), repeat.Str("repeatOf"));
    }

    [Fact]
    public async Task Resolve_FreesCapacity_NextQueuedCaseIsOfferedToThatAgent()
    {
        var cases = await OnlyAgentA01HoldsThreeCasesAndAFourthWaitsAsync();
        await App.ActAsync(cases[0].Str("id"), "accept", new { agentId = "north-1-a01" });
        await App.ActAsync(cases[0].Str("id"), "resolve", new { agentId = "north-1-a01", resolution = "done" });
        await App.SettleAsync();

        var (fourth, _) = await App.CaseAsync(cases[3].Str("id"));
        Assert.Equal("offered", fourth.Str("status"));
        Assert.Equal("north-1-a01", fourth.Str("offeredTo"));
    }

    [Theory]
    [InlineData("resolve")]
    [InlineData("decline")]
    public async Task Answer_ThatFreesCapacity_OffersTheNextQueuedCaseBeforeTheChangeFeedIsRead(string answer)
    {
        var cases = await OnlyAgentA01HoldsThreeCasesAndAFourthWaitsAsync();
        if (answer == "resolve")
        {
            await App.ActAsync(cases[0].Str("id"), "accept", new { agentId = "north-1-a01" });
            await App.ActAsync(cases[0].Str("id"), "resolve", new { agentId = "north-1-a01", resolution = "done" });
        }
        else
        {
            await App.ActAsync(cases[0].Str("id"), "decline", new { agentId = "north-1-a01", reason = "not my topic" });
        }

        // No SettleAsync: the dispatch reactor has not seen the answer yet.
        var (fourth, _) = await App.CaseAsync(cases[3].Str("id"));
        Assert.Equal("offered", fourth.Str("status"));
        Assert.Equal("north-1-a01", fourth.Str("offeredTo"));
        var team = await TestApp.Json(await App.Client.GetAsync("/api/teams/north-1"));
        var loads = team.GetProperty("agents").EnumerateArray().Single(a => a.Str("agentId") == "north-1-a01").GetProperty("loads");
        Assert.DoesNotContain(loads.EnumerateArray(), l => l.Str("caseId") == cases[0].Str("id"));

        await App.SettleAsync();
        var (settled, _) = await App.CaseAsync(cases[3].Str("id"));
        Assert.Equal("offered", settled.Str("status"));
        Assert.Equal("north-1-a01", settled.Str("offeredTo"));
    }

    [Fact]
    public async Task Resolve_ManyAtOnceAcrossTheTeams_EveryAgentIsFreeBeforeTheChangeFeedIsRead()
    {
        var offered = new List<System.Text.Json.JsonElement>();
        for (var i = 1; i <= 60; i++)
        {
            offered.Add(await App.IntakeAsync($"cust-{i:D5}"));
        }

        foreach (var c in offered)
        {
            await App.ActAsync(c.Str("id"), "accept", new { agentId = c.Str("offeredTo") });
        }

        // All at once, and no SettleAsync: each release is the resolve request's own.
        var resolved = await Task.WhenAll(offered.Select(c => App.ActAsync(c.Str("id"), "resolve", new { agentId = c.Str("offeredTo"), resolution = "done" })));

        Assert.All(resolved, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var teamId in offered.Select(c => c.Str("handlingTeamId")).Distinct())
        {
            var team = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}"));
            Assert.All(team.GetProperty("agents").EnumerateArray(), a => Assert.Empty(a.GetProperty("loads").EnumerateArray()));
        }
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("decline")]
    public async Task Answer_ToAnOffer_RemovesItsTimeoutSoNothingIsLeftToSweep(string answer)
    {
        var c = await App.IntakeAsync("cust-00005");
        var timer = new CaseTimer(TimerKind.OfferTimeout, c.Str("id"), "", null, default);
        var store = App.Service<IStateStore>();
        Assert.NotNull(await store.ReadAsync(timer.Partition, timer.Id, CancellationToken.None));

        var response = await App.ActAsync(c.Str("id"), answer, new { agentId = c.Str("offeredTo"), reason = "on a call" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (after, _) = await App.CaseAsync(c.Str("id"));
        var rearmed = await store.ReadAsync(timer.Partition, timer.Id, CancellationToken.None);
        if (answer == "accept")
        {
            Assert.Null(rearmed);
        }
        else
        {
            // Declined and offered to a teammate at once: the timer now belongs to the new offer.
            Assert.Equal("offered", after.Str("status"));
            Assert.NotEqual(c.Str("offeredTo"), after.Str("offeredTo"));
            Assert.Equal(after.Str("offeredTo"), Json.Read<CaseTimer>(rearmed!.Json).AgentId);
        }
    }

    /// <summary>north-1 with only a01 available (capacity 3): the first three contacts are offered to a01, the fourth queues.</summary>
    private async Task<List<System.Text.Json.JsonElement>> OnlyAgentA01HoldsThreeCasesAndAFourthWaitsAsync()
    {
        for (var a = 2; a <= 10; a++)
        {
            await App.PutAsync($"/api/teams/north-1/agents/north-1-a{a:D2}/availability", new { available = false });
        }

        var cases = new List<System.Text.Json.JsonElement>();
        foreach (var customer in new[] { "cust-00001", "cust-00005", "cust-00009", "cust-00013" })
        {
            cases.Add(await App.IntakeAsync(customer));
        }

        Assert.Equal("queued", cases[3].Str("status"));
        return cases;
    }

    [Fact]
    public async Task Help_TeammateAssists_OwnershipAndAssignmentUnchanged()
    {
        var c = await App.IntakeAsync("cust-00005");
        var agent = c.Str("offeredTo");
        await App.ActAsync(c.Str("id"), "accept", new { agentId = agent });

        var response = await App.ActAsync(c.Str("id"), "help", new { agentId = agent, assistantId = "north-1-a10", reason = "tariff rules" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal(agent, after.Str("assignedTo"));
        Assert.Equal("north-1-a10", after.GetProperty("assistants")[0].GetString());
        Assert.Equal("north-1", after.Str("owningTeamId"));
    }

    [Fact]
    public async Task SelfService_CustomerAsksForAPerson_CaseIsRoutedToTheOwningTeam()
    {
        var c = await App.IntakeAsync("cust-00005", tier: "selfService");
        Assert.Equal("selfService", c.Str("status"));

        await App.ActAsync(c.Str("id"), "request-person", new { reason = "the FAQ did not help" });
        await App.SettleAsync();

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("offered", after.Str("status"));
        Assert.StartsWith("north-1-", after.Str("offeredTo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComplexCase_IsOfferedOnlyToProficientOrExpertAgents()
    {
        var c = await App.IntakeAsync("cust-00005", tier: "complex");

        var agent = c.Str("offeredTo");
        var number = int.Parse(agent[^2..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(number >= 3, $"{agent} is a new agent");
    }

    [Fact]
    public async Task Reopen_ResolvedCase_GoesBackToTheOwningTeamAndTheSameAgent()
    {
        var c = await App.IntakeAsync("cust-00005");
        var agent = c.Str("offeredTo");
        await App.ActAsync(c.Str("id"), "accept", new { agentId = agent });
        await App.ActAsync(c.Str("id"), "resolve", new { agentId = agent, resolution = "done" });

        await App.ActAsync(c.Str("id"), "reopen", new { by = "cust-00005", reason = "still broken" });
        await App.SettleAsync();

        var (after, _) = await App.CaseAsync(c.Str("id"));
        Assert.Equal("offered", after.Str("status"));
        Assert.Equal(agent, after.Str("offeredTo"));
    }

    [Fact]
    public async Task Transfer_OwnerChange_IsExplicitAndAudited()
    {
        var response = await App.PutAsync("/api/customers/cust-00005/owner", new { teamId = "north-3", by = "admin-1", reason = "moved house" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var customer = (await TestApp.Json(await App.Client.GetAsync("/api/customers/cust-00005"))).GetProperty("customer");
        Assert.Equal("north-3", customer.Str("owningTeamId"));
        var last = customer.GetProperty("ownership")[1];
        Assert.Equal("north-1", last.Str("fromTeamId"));
        Assert.Equal("admin-1", last.Str("by"));
        Assert.Equal("moved house", last.Str("reason"));
        var c = await App.IntakeAsync("cust-00005");
        Assert.Equal("north-3", c.Str("owningTeamId"));
    }

    [Fact]
    public async Task Case_History_RecordsWhoWhenAndWhyForEveryTransition()
    {
        var c = await App.IntakeAsync("cust-00005");
        await App.ActAsync(c.Str("id"), "decline", new { agentId = c.Str("offeredTo"), reason = "on a call" });
        await App.SettleAsync();

        var response = await App.Client.GetAsync($"/api/cases/{c.Str("id")}");
        var history = (await TestApp.Json(response)).GetProperty("history");

        Assert.True(history.GetArrayLength() >= 4);
        foreach (var e in history.EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(e.Str("by")));
            Assert.False(string.IsNullOrEmpty(e.Str("reason")));
            Assert.Equal(System.Text.Json.JsonValueKind.String, e.GetProperty("at").ValueKind);
        }

        Assert.Contains(history.EnumerateArray(), e => e.Str("type") == "OfferDeclined" && e.Str("reason") == "on a call");
    }
}
