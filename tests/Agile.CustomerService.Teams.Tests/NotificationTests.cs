using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application.MicrosoftTeams;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>Proactive messages from case events, through the TeamsNotifications function, to the local connector and Graph fakes.</summary>
public sealed class NotificationTests : IDisposable
{
    private readonly TeamsApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>Opens a case for cust-00005, links and installs the bot for the agent it is offered to; events not yet delivered.</summary>
    private async Task<(string CaseId, string Agent)> OfferedAsync(bool installed = true)
    {
        var caseId = await _app.IntakeAsync("cust-00005");
        var agent = (await _app.CaseAsync(caseId)).GetProperty("offeredTo").GetString()!;
        await _app.LinkAsync(agent);
        if (installed)
        {
            await _app.InstallPersonalAsync(agent);
        }

        return (caseId, agent);
    }

    private async Task<ChangeRecord> EventAsync(string type)
    {
        var page = await _app.Service<IStateStore>().ReadChangesAsync(null, 1000, CancellationToken.None);
        return page.Changes.Last(c => c.Event.Type == type);
    }

    [Fact]
    public async Task CaseOffered_AgentHasAChatWithTheBot_GetsAnOfferCardWithATakeButton()
    {
        var (caseId, agent) = await OfferedAsync();

        await _app.SettleAsync();

        var sent = Assert.Single(_app.Received(), r => r.Path.Contains("chat-" + agent, StringComparison.Ordinal));
        Assert.Equal($"/v3/conversations/a:chat-{agent}/activities", sent.Path);
        Assert.Equal($"Bearer {FakeTeamsServer.BotToken}", sent.Authorization);
        var card = sent.Json["attachments"]![0]!["content"]!;
        Assert.Equal("A case is offered to you", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(caseId, card["actions"]![0]!["data"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task CaseOffered_SameEventDeliveredTwice_SendsOneMessage()
    {
        await OfferedAsync();
        var offered = await EventAsync("CaseOffered");
        var notifier = _app.Service<TeamsNotifier>();

        await notifier.HandleAsync(offered, CancellationToken.None);
        await notifier.HandleAsync(offered, CancellationToken.None);

        Assert.Single(_app.Received());
    }

    [Fact]
    public async Task CaseOffered_ConnectorThrottlesThenFails_RetriesUntilItIsSent()
    {
        await OfferedAsync();
        _app.Fake.Answer((429, "0"), (503, "0"), (500, "0"));

        await _app.Service<TeamsNotifier>().HandleAsync(await EventAsync("CaseOffered"), CancellationToken.None);

        Assert.Equal(4, _app.Received().Count);
    }

    [Fact]
    public async Task CaseOffered_ConnectorAsksToWait_WaitsTheRetryAfterBeforeTheNextTry()
    {
        await OfferedAsync();
        _app.Fake.Answer((429, "7"));
        var notifier = _app.Service<TeamsNotifier>();

        var send = notifier.HandleAsync(await EventAsync("CaseOffered"), CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_app.Received().Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }

        // Six seconds of the seven asked for: whenever the retry's timer was armed, it has not fired.
        _app.Time.Advance(TimeSpan.FromSeconds(6));
        await Task.Delay(100);
        var early = _app.Received().Count;

        // Then time moves on until the retry is sent (advancing in steps, so a timer armed late still fires).
        while (!send.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            _app.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(send, Task.Delay(50));
        }

        await send;
        Assert.Equal(1, early);
        Assert.Equal(2, _app.Received().Count);
    }

    [Fact]
    public async Task CaseOffered_ConnectorKeepsFailing_ThrowsSoTheEventIsRedeliveredAndNothingIsMarked()
    {
        await OfferedAsync();
        _app.Fake.Answer(Enumerable.Repeat((500, (string?)"0"), 5).ToArray());
        var offered = await EventAsync("CaseOffered");
        var notifier = _app.Service<TeamsNotifier>();

        await Assert.ThrowsAsync<HttpRequestException>(() => notifier.HandleAsync(offered, CancellationToken.None));
        await notifier.HandleAsync(offered, CancellationToken.None);

        Assert.Equal(6, _app.Received().Count);
    }

    [Fact]
    public async Task CaseOffered_BotRemovedFromChat_IsNotRetried()
    {
        await OfferedAsync();
        _app.Fake.Answer((403, null));
        var offered = await EventAsync("CaseOffered");
        var notifier = _app.Service<TeamsNotifier>();

        await notifier.HandleAsync(offered, CancellationToken.None);
        await notifier.HandleAsync(offered, CancellationToken.None);

        Assert.Single(_app.Received());
    }

    [Fact]
    public async Task CaseOffered_AgentWithoutAChat_GetsAnActivityFeedNotificationThroughGraph()
    {
        var (_, agent) = await OfferedAsync(installed: false);

        await _app.SettleAsync();

        var sent = Assert.Single(_app.Received());
        Assert.Equal($"/v1.0/users/{TeamsApp.ObjectIdOf(agent)}/teamwork/sendActivityNotification", sent.Path);
        Assert.Equal($"Bearer {FakeTeamsServer.GraphToken}", sent.Authorization);
        Assert.Equal("caseOffered", sent.Json["activityType"]!.GetValue<string>());
        Assert.Equal("text", sent.Json["topic"]!["source"]!.GetValue<string>());
        Assert.StartsWith("A case is offered to you", sent.Json["previewText"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseQueued_NobodyFree_TellsTheTeamChannelTheSlaIsAtRisk()
    {
        var owner = (await _app.CaseAsync(await _app.IntakeAsync("cust-00005"))).GetProperty("owningTeamId").GetString()!;
        await _app.SettleAsync();
        for (var a = 1; a <= 10; a++)
        {
            using var content = new StringContent("""{"available":false}""", System.Text.Encoding.UTF8, "application/json");
            (await _app.Client.PutAsync($"/api/teams/{owner}/agents/{owner}-a{a:D2}/availability", content)).EnsureSuccessStatusCode();
        }

        await _app.InstallInChannelAsync(owner);

        await _app.IntakeAsync("cust-00005");
        await _app.SettleAsync();

        var sent = Assert.Single(_app.Received(), r => r.Path.Contains(TeamsApp.ThreadOf(owner), StringComparison.Ordinal) && r.Body.Contains("SLA at risk", StringComparison.Ordinal));
        Assert.Equal("SLA at risk", sent.Json["attachments"]![0]!["content"]!["body"]![0]!["text"]!.GetValue<string>());
    }

    /// <summary>An agent of cust-00005's owning team asks for a refund beyond their limit; the team has a channel and a lead with a chat.</summary>
    private async Task<(string Owner, string Agent, string Lead, string ActionId)> ApprovalAskedAsync()
    {
        var caseId = await _app.IntakeAsync("cust-00005");
        await _app.SettleAsync();
        var c = await _app.CaseAsync(caseId);
        var owner = c.GetProperty("owningTeamId").GetString()!;
        var agent = c.GetProperty("offeredTo").GetString()!;
        var lead = agent == $"{owner}-a10" ? $"{owner}-a09" : $"{owner}-a10";
        (await _app.Client.PutAsJsonAsync($"/api/teams/{owner}/leads", new { agentIds = new[] { lead } })).EnsureSuccessStatusCode();
        await _app.InstallInChannelAsync(owner);
        await _app.LinkAsync(lead);
        await _app.InstallPersonalAsync(lead);
        var token = Agile.CustomerService.Host.Security.DevelopmentTokenIssuer.ForStore(_app.Settings).Mint(agent, ["Agent"], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/customer-actions")
        {
            Content = new StringContent($$"""{"agentId":"{{agent}}","action":"refund","amount":900,"reason":"charged three times"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "approval-1");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var actionId = (await TeamsApp.Json(response)).GetProperty("id").GetString()!;
        await _app.SettleAsync();

        // Linked to a Teams user only now: the link replaces the development-tenant user the token above was for.
        await _app.LinkAsync(agent);
        await _app.InstallPersonalAsync(agent);
        return (owner, agent, lead, actionId);
    }

    [Fact]
    public async Task ActionBeyondAnAgentsLimit_TheChannelAndTheLeadGetACardWithApproveAndDecline()
    {
        var (owner, _, lead, actionId) = await ApprovalAskedAsync();

        var toChannel = Assert.Single(_app.Received(), r => r.Path.Contains(TeamsApp.ThreadOf(owner), StringComparison.Ordinal) && r.Body.Contains("Approval needed", StringComparison.Ordinal));
        var toLead = Assert.Single(_app.Received(), r => r.Path.Contains("chat-" + lead, StringComparison.Ordinal) && r.Body.Contains("Approval needed", StringComparison.Ordinal));
        Assert.Contains("refund of 900 EUR", toChannel.Body.Replace("Refund", "refund", StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var sent in new[] { toChannel, toLead })
        {
            var actions = sent.Json["attachments"]![0]!["content"]!["actions"]!.AsArray();
            Assert.Equal(["approve", "decline"], actions.Select(a => a!["verb"]!.GetValue<string>()));
            Assert.All(actions, a => Assert.Equal(actionId, a!["data"]!["target"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ApproveClickedByTheLead_ActionIsApprovedAuditedAndTheAgentIsTold()
    {
        var (owner, agent, lead, actionId) = await ApprovalAskedAsync();

        var card = await _app.ClickAsync(lead, "approve", actionId);
        await _app.SettleAsync();

        Assert.Equal("Default", card.Color);
        var trail = await TeamsApp.Json(await _app.Client.GetAsync($"/api/teams/{owner}/customer-actions"));
        var action = Assert.Single(trail.EnumerateArray(), a => a.GetProperty("id").GetString() == actionId);
        Assert.Equal("approved", action.GetProperty("status").GetString());
        Assert.Equal(lead, action.GetProperty("decidedBy").GetString());
        var told = Assert.Single(_app.Received(), r => r.Path.Contains("chat-" + agent, StringComparison.Ordinal) && r.Body.Contains("Your request is approved", StringComparison.Ordinal));
        Assert.Contains($"approved by {lead}", told.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproveClickedByATeammateWhoIsNotALead_IsRefusedAndChangesNothing()
    {
        var (owner, agent, lead, actionId) = await ApprovalAskedAsync();
        var teammate = new[] { $"{owner}-a01", $"{owner}-a02", $"{owner}-a03" }.First(a => a != agent && a != lead);
        await _app.LinkAsync(teammate);

        var card = await _app.ClickAsync(teammate, "approve", actionId);

        Assert.Equal("Attention", card.Color);
        Assert.Contains($"only a lead of team {owner} decides", card.Line(1), StringComparison.Ordinal);
        var trail = await TeamsApp.Json(await _app.Client.GetAsync($"/api/teams/{owner}/customer-actions"));
        Assert.Equal("pendingApproval", Assert.Single(trail.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task DeclineClickedByTheAgentWhoAsked_IsRefusedEvenWhenTheyLead()
    {
        var (owner, agent, _, actionId) = await ApprovalAskedAsync();
        (await _app.Client.PutAsJsonAsync($"/api/teams/{owner}/leads", new { agentIds = new[] { agent } })).EnsureSuccessStatusCode();

        var card = await _app.ClickAsync(agent, "decline", actionId);

        Assert.Equal("Attention", card.Color);
        Assert.Contains("someone other than the agent who made it", card.Line(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamWithoutChannel_NothingIsSentThroughTheConnector()
    {
        await _app.IntakeAsync("cust-00005");

        await _app.SettleAsync();

        // The demo agents are linked to development-tenant users, so the offered agent may get an
        // activity-feed notification; without a remembered conversation nothing goes to the connector.
        Assert.DoesNotContain(_app.Received(), r => r.Path.Contains("/v3/conversations", StringComparison.Ordinal));
    }
}
