using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application.MicrosoftTeams;

namespace Agile.CustomerService.Teams.Tests;

public sealed class BotEndpointTests : IDisposable
{
    private readonly TeamsApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task AssertUnauthorizedProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TeamsApp.Json(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    private JsonObject Message(string text = "my cases") => _app.Activity("message", null, text: text);

    [Fact]
    public async Task Messages_NoAuthorization_Is401ProblemDetails()
    {
        var response = await _app.PostActivityAsync(Message(), token: null);

        await AssertUnauthorizedProblemAsync(response);
        Assert.Empty(_app.Received());
    }

    [Fact]
    public async Task Messages_ExpiredToken_Is401()
    {
        var token = BotTokens.Mint(_app.Fake.SigningKey, _app.Time.GetUtcNow() - TimeSpan.FromHours(2), serviceUrl: _app.ServiceUrl);

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), token));
    }

    [Fact]
    public async Task Messages_WrongAudience_Is401()
    {
        var token = BotTokens.Mint(_app.Fake.SigningKey, _app.Time.GetUtcNow(), audience: "another-bot", serviceUrl: _app.ServiceUrl);

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), token));
    }

    [Fact]
    public async Task Messages_WrongIssuer_Is401()
    {
        var token = BotTokens.Mint(_app.Fake.SigningKey, _app.Time.GetUtcNow(), issuer: "https://evil.example", serviceUrl: _app.ServiceUrl);

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), token));
    }

    [Fact]
    public async Task Messages_TamperedPayload_Is401()
    {
        var parts = _app.Token().Split('.');
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])))!;
        payload["aud"] = "tampered";
        var tampered = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), tampered));
    }

    [Fact]
    public async Task Messages_SignedByAnotherKeyWithTheSameKeyId_Is401()
    {
        using var other = RSA.Create(2048);
        var token = BotTokens.Mint(other, _app.Time.GetUtcNow(), serviceUrl: _app.ServiceUrl);

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), token));
    }

    [Fact]
    public async Task Messages_UnsignedAlgNoneToken_Is401()
    {
        var token = BotTokens.AlgNone(_app.Time.GetUtcNow(), _app.ServiceUrl);

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), token));
    }

    [Fact]
    public async Task Messages_TokenForAnotherServiceUrl_Is401AndNothingIsSent()
    {
        var token = _app.Token(serviceUrl: "https://smba.trafficmanager.net/emea/");

        await AssertUnauthorizedProblemAsync(await _app.PostActivityAsync(Message(), token));
        Assert.Empty(_app.Received());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("{\"type\":\"message\"}")]
    [InlineData("{\"type\":\"message\",\"serviceUrl\":\"ftp://x\",\"conversation\":{\"id\":\"c\"}}")]
    [InlineData("{\"type\":42}")]
    public async Task Messages_MalformedActivity_Is400(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", _app.Token());

        var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Messages_OversizeActivity_Is413NotA500()
    {
        var activity = Message(new string('x', 300 * 1024));

        var response = await _app.PostActivityAsync(activity, _app.Token());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Messages_FromUnlinkedUser_RepliesAskingToLinkThroughTheConnector()
    {
        var activity = Message();

        var response = await _app.PostActivityAsync(activity, _app.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(_app.Received());
        Assert.Equal($"/v3/conversations/a:personal-chat-1/activities/{activity["id"]}", sent.Path);
        Assert.Equal($"Bearer {FakeTeamsServer.BotToken}", sent.Authorization);
        Assert.Equal("Who are you?", sent.Json["attachments"]![0]!["content"]!["body"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_MyCasesFromAgentWithAnOffer_ListsItWithATakeButton()
    {
        var caseId = await _app.IntakeAsync("cust-00005");
        var agent = (await _app.CaseAsync(caseId)).GetProperty("offeredTo").GetString()!;
        await _app.SettleAsync();
        await _app.LinkAsync(agent);

        await _app.PostActivityAsync(_app.Activity("message", agent, text: "<at>Agile CS</at> my cases"), _app.Token());

        var card = _app.Received()[^1].Json["attachments"]![0]!["content"]!;
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Contains(caseId, card.ToJsonString(), StringComparison.Ordinal);
        var action = card["actions"]![0]!;
        Assert.Equal("Action.Execute", action["type"]!.GetValue<string>());
        Assert.Equal("take", action["verb"]!.GetValue<string>());
        Assert.Equal(caseId, action["data"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_TakeAction_AssignsTheCaseAndAnswersWithAnUpdatedCard()
    {
        var caseId = await _app.IntakeAsync("cust-00005");
        var agent = (await _app.CaseAsync(caseId)).GetProperty("offeredTo").GetString()!;
        await _app.LinkAsync(agent);
        var invoke = _app.Activity("invoke", agent);
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "take", ["data"] = new JsonObject { ["target"] = caseId } }, ["trigger"] = "manual" };

        var response = await _app.PostActivityAsync(invoke, _app.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TeamsApp.Json(response);
        Assert.Equal(200, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body.GetProperty("type").GetString());
        Assert.Equal("AdaptiveCard", body.GetProperty("value").GetProperty("type").GetString());
        var c = await _app.CaseAsync(caseId);
        Assert.Equal("inProgress", c.GetProperty("status").GetString());
        Assert.Equal(agent, c.GetProperty("assignedTo").GetString());
    }

    [Fact]
    public async Task Invoke_TakeByAnotherAgent_IsRefusedAndTheCaseStaysOffered()
    {
        var caseId = await _app.IntakeAsync("cust-00005");
        var offered = (await _app.CaseAsync(caseId)).GetProperty("offeredTo").GetString()!;
        var other = offered.EndsWith("a01", StringComparison.Ordinal) ? offered[..^3] + "a02" : offered[..^3] + "a01";
        await _app.LinkAsync(other);
        var invoke = _app.Activity("invoke", other);
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["verb"] = "take", ["data"] = new JsonObject { ["target"] = caseId } } };

        var body = await TeamsApp.Json(await _app.PostActivityAsync(invoke, _app.Token()));

        Assert.Equal("Attention", body.GetProperty("value").GetProperty("body")[0].GetProperty("color").GetString());
        Assert.Equal("offered", (await _app.CaseAsync(caseId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Invoke_ApproveUnknownRequest_IsRefusedInTheCard()
    {
        await _app.LinkAsync("north-1-a10");
        var invoke = _app.Activity("invoke", "north-1-a10");
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["verb"] = "approve", ["data"] = new JsonObject { ["target"] = "swap-1" } } };

        var body = await TeamsApp.Json(await _app.PostActivityAsync(invoke, _app.Token()));

        Assert.Contains("not a request id", body.GetProperty("value").ToString(), StringComparison.Ordinal);
        Assert.Equal("Attention", body.GetProperty("value").GetProperty("body")[0].GetProperty("color").GetString());
    }

    [Fact]
    public async Task ConversationUpdate_InstalledInATeamChannel_RemembersTheChannelForThatTeam()
    {
        var update = _app.Activity("conversationUpdate", null, conversationType: "channel", conversationId: TeamsApp.ThreadOf("north-2"));
        update["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = TeamsApp.Tenant }, ["team"] = new JsonObject { ["id"] = TeamsApp.ThreadOf("north-2") }, ["eventType"] = "teamMemberAdded" };
        update["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "28:" + TeamsApp.BotAppId });

        var response = await _app.PostActivityAsync(update, _app.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reference = await _app.Service<TeamsDirectory>().TeamConversationAsync("north-2", CancellationToken.None);
        Assert.NotNull(reference);
        Assert.Equal(_app.ServiceUrl, reference.ServiceUrl);
        Assert.Equal(TeamsApp.ThreadOf("north-2"), reference.ConversationId);
        Assert.Equal(TeamsApp.Tenant, reference.TenantId);
    }

    [Fact]
    public async Task ConversationUpdate_PersonalInstall_RemembersTheUsersChat()
    {
        var update = _app.Activity("conversationUpdate", "north-1-a01", conversationId: "a:chat-of-a01");

        await _app.PostActivityAsync(update, _app.Token());

        var reference = await _app.Service<TeamsDirectory>().UserConversationAsync(TeamsApp.Tenant, TeamsApp.ObjectIdOf("north-1-a01"), CancellationToken.None);
        Assert.Equal("a:chat-of-a01", reference?.ConversationId);
    }

    [Fact]
    public async Task Identity_PutForUnknownAgent_Is404()
    {
        var response = await _app.Client.PutAsync("/api/agents/nobody/identity", new StringContent($$"""{"tenantId":"{{TeamsApp.Tenant}}","objectId":"{{Guid.NewGuid()}}"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Identity_PutWithoutGuids_Is400()
    {
        var response = await _app.Client.PutAsync("/api/agents/north-1-a01/identity", new StringContent("""{"tenantId":"contoso","objectId":"<script>"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Identity_ObjectIdMovedToAnotherAgent_OnlyTheNewAgentIsFound()
    {
        var objectId = Guid.NewGuid().ToString();
        await _app.Client.PutAsync("/api/agents/north-1-a01/identity", new StringContent($$"""{"tenantId":"{{TeamsApp.Tenant}}","objectId":"{{objectId}}"}""", Encoding.UTF8, "application/json"));

        await _app.Client.PutAsync("/api/agents/north-1-a02/identity", new StringContent($$"""{"tenantId":"{{TeamsApp.Tenant}}","objectId":"{{objectId}}"}""", Encoding.UTF8, "application/json"));

        var directory = _app.Service<TeamsDirectory>();
        Assert.Equal("north-1-a02", await directory.AgentOfUserAsync(TeamsApp.Tenant, objectId, CancellationToken.None));
        Assert.Null(await directory.IdentityOfAgentAsync("north-1-a01", CancellationToken.None));
    }

    [Fact]
    public async Task Messages_ShiftsWithoutASchedulePeriod_SaysThereAreNone()
    {
        await _app.LinkAsync("north-1-a01");

        await _app.PostActivityAsync(_app.Activity("message", "north-1-a01", text: "shifts"), _app.Token());

        var card = _app.Received()[^1].Json["attachments"]![0]!["content"]!;
        Assert.Equal("You have no coming shifts.", card["body"]![1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_TimeOffOutsideAnyPeriod_IsRefusedWithTheReason()
    {
        await _app.LinkAsync("north-1-a01");

        await _app.PostActivityAsync(_app.Activity("message", "north-1-a01", text: "time off 2026-12-01..2026-12-02"), _app.Token());

        var card = _app.Received()[^1].Json["attachments"]![0]!["content"]!;
        Assert.StartsWith("no schedule period of team north-1", card["body"]![1]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_ConnectorDownForTheReply_Is502NotA500()
    {
        _app.Fake.Answer(Enumerable.Repeat((500, (string?)"0"), 5).ToArray());

        var response = await _app.PostActivityAsync(Message(), _app.Token());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(5, _app.Received().Count);
    }
}
