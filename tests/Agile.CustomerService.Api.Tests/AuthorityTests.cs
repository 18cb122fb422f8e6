using System.Net;
using System.Text.Json;

namespace Agile.CustomerService.Api.Tests;

/// <summary>Agents act within agreed limits; beyond them the team decides; everything is audited (issue 6).</summary>
public class AuthorityTests : AppTests
{
    public AuthorityTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosAuthorityTests"/>).</param>
    protected AuthorityTests(TestApp app)
        : base(app)
    {
    }

    private async Task<(string CaseId, string Agent)> AssignedCaseAsync(string customerId)
    {
        var c = await App.IntakeAsync(customerId);
        await App.SettleAsync();
        var (state, _) = await App.CaseAsync(c.Str("id"));
        var agent = state.Str("offeredTo");
        (await App.ActAsync(c.Str("id"), "accept", new { agentId = agent })).EnsureSuccessStatusCode();
        return (c.Str("id"), agent);
    }

    private Task<HttpResponseMessage> ActForCustomerAsync(string caseId, string agent, string action, decimal amount, string? key = null) =>
        App.PostAsync($"/api/cases/{caseId}/customer-actions", new { agentId = agent, action, amount, reason = "meter misread twice" }, key: key);

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await TestApp.Json(response);

    [Fact]
    public async Task WithinTheLimit_IsDoneAtOnceAndAudited()
    {
        var (caseId, agent) = await AssignedCaseAsync("cust-00005");

        var response = await ActForCustomerAsync(caseId, agent, "feeWaiver", 10m);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var action = await JsonOf(response);
        Assert.Equal("done", action.Str("status"));
        var trail = await JsonOf(await App.Client.GetAsync($"/api/cases/{caseId}/customer-actions"));
        Assert.Equal(action.Str("id"), Assert.Single(trail.EnumerateArray()).Str("id"));
    }

    [Fact]
    public async Task BeyondTheLimit_GoesToTheTeam_AndTheLeadsDecisionIsAudited()
    {
        var (caseId, agent) = await AssignedCaseAsync("cust-00005");

        var response = await ActForCustomerAsync(caseId, agent, "refund", 900m);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var request = await JsonOf(response);
        Assert.Equal("pendingApproval", request.Str("status"));

        var pending = await JsonOf(await App.Client.GetAsync("/api/teams/north-1/customer-actions?status=pendingApproval"));
        Assert.Equal(request.Str("id"), Assert.Single(pending.EnumerateArray()).Str("id"));

        var lead = agent == "north-1-a10" ? "north-1-a09" : "north-1-a10";
        var decision = await App.PostAsync($"/api/teams/north-1/customer-actions/{request.Str("id")}/decision", new { approve = true, reason = "long-standing customer" },
            token: TestTokens.For(lead, "TeamLead"));
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        var decided = await JsonOf(decision);
        Assert.Equal("approved", decided.Str("status"));
        Assert.Equal(lead, decided.Str("decidedBy"));

        var again = await App.PostAsync($"/api/teams/north-1/customer-actions/{request.Str("id")}/decision", new { approve = false, reason = "changed my mind" },
            token: TestTokens.For(lead, "TeamLead"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var agentTrail = await JsonOf(await App.Client.GetAsync($"/api/agents/{agent}/customer-actions"));
        Assert.Equal("approved", Assert.Single(agentTrail.EnumerateArray()).Str("status"));
        await App.SettleAsync();
        Assert.Empty(await TestApp.Json(await App.Client.GetAsync("/api/local/deadletters")) is { ValueKind: JsonValueKind.Array } d ? d.EnumerateArray() : throw new InvalidOperationException());
    }

    [Fact]
    public async Task TheRequester_CannotApproveTheirOwnRequest()
    {
        var (caseId, agent) = await AssignedCaseAsync("cust-00005");
        var request = await JsonOf(await ActForCustomerAsync(caseId, agent, "refund", 900m));

        var response = await App.PostAsync($"/api/teams/north-1/customer-actions/{request.Str("id")}/decision", new { approve = true, reason = "fine by me" },
            token: TestTokens.For(agent, "TeamLead"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task SameIdempotencyKey_ReturnsTheFirstResultAndWritesOnce()
    {
        var (caseId, agent) = await AssignedCaseAsync("cust-00005");

        var first = await JsonOf(await ActForCustomerAsync(caseId, agent, "goodwillCredit", 20m, key: "credit-1"));
        var before = App.Fingerprint();
        var second = await JsonOf(await ActForCustomerAsync(caseId, agent, "goodwillCredit", 20m, key: "credit-1"));

        Assert.Equal(first.Str("id"), second.Str("id"));
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task TeamAgreement_WidensTheLimit_ForItsAgents()
    {
        var (caseId, agent) = await AssignedCaseAsync("cust-00005");
        var agreement = await App.PutAsync("/api/teams/north-1/authority", new
        {
            limits = new[] { new { action = "refund", @new = 500m, proficient = 1000m, expert = 1500m } },
        });
        Assert.Equal(HttpStatusCode.OK, agreement.StatusCode);

        var response = await ActForCustomerAsync(caseId, agent, "refund", 450m);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var limits = await JsonOf(await App.Client.GetAsync("/api/teams/north-1/authority"));
        Assert.Contains(limits.GetProperty("limits").EnumerateArray(), l => l.Str("action") == "refund" && l.GetProperty("new").GetDecimal() == 500m);
    }

    [Theory]
    [InlineData("{\"agentId\":\"north-1-a01\",\"action\":\"bribe\",\"amount\":5,\"reason\":\"x\"}", "action")]
    [InlineData("{\"agentId\":\"north-1-a01\",\"action\":\"refund\",\"amount\":0,\"reason\":\"x\"}", "amount must be more than 0")]
    [InlineData("{\"agentId\":\"north-1-a01\",\"action\":\"refund\",\"amount\":1.234,\"reason\":\"x\"}", "at most 2 decimals")]
    [InlineData("{\"agentId\":\"north-1-a01\",\"action\":\"refund\",\"amount\":5}", "reason is required")]
    [InlineData("[1,2]", "JSON")]
    public async Task BadRequest_Is400AndNothingWritten(string body, string mentions)
    {
        var c = await App.IntakeAsync("cust-00005");
        await App.SettleAsync();
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, $"/api/cases/{c.Str("id")}/customer-actions", body, ("Idempotency-Key", "bad-1"),
            ("Authorization", "Bearer " + TestTokens.For("north-1-a01", "Agent")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentions, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task AgreementBeyondTheCeiling_Is422AndNothingWritten()
    {
        var before = App.Fingerprint();

        var response = await App.PutAsync("/api/teams/north-1/authority", new
        {
            limits = new[] { new { action = "goodwillCredit", @new = 10m, proficient = 20m, expert = 99999m } },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, App.Fingerprint());
    }
}
