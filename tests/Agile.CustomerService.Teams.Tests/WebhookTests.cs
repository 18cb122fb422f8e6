using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agile.CustomerService.Teams.Tests;

public sealed class WebhookTests : IDisposable
{
    private readonly TeamsApp _app = new();

    public void Dispose() => _app.Dispose();

    private byte[] Body(string text, string? agent = "north-1-a01", DateTimeOffset? at = null, string? id = null)
    {
        var activity = _app.Activity("message", agent, conversationType: "channel", text: $"<at>AgileCS</at> {text}", conversationId: TeamsApp.TeamsThreadA + ";messageid=1");
        activity["timestamp"] = (at ?? _app.Time.GetUtcNow()).ToString("O");
        if (id is not null)
        {
            activity["id"] = id;
        }

        activity["channelData"] = new JsonObject { ["teamsTeamId"] = TeamsApp.TeamsThreadA, ["teamsChannelId"] = TeamsApp.TeamsThreadA, ["tenant"] = new JsonObject { ["id"] = TeamsApp.Tenant } };
        return Encoding.UTF8.GetBytes(activity.ToJsonString());
    }

    [Fact]
    public async Task Webhook_SignedMessageFromLinkedAgent_AnswersSynchronouslyWithACard()
    {
        await _app.LinkAsync("north-1-a01");
        var body = Body("my cases");

        var response = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await TeamsApp.Json(response);
        Assert.Equal("message", reply.GetProperty("type").GetString());
        var card = reply.GetProperty("attachments")[0].GetProperty("content");
        Assert.Equal("My cases", card.GetProperty("body")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Webhook_CardActions_AreOnlyOpenUrl()
    {
        var caseId = await _app.IntakeAsync("cust-00005");
        var c = await _app.CaseAsync(caseId);
        var agent = c.GetProperty("offeredTo").GetString()!;
        await _app.SettleAsync();
        await _app.LinkAsync(agent);
        var body = Body("my cases", agent);

        var reply = await TeamsApp.Json(await _app.PostWebhookAsync(body, TeamsApp.Hmac(body)));

        var actions = reply.GetProperty("attachments")[0].GetProperty("content").GetProperty("actions").EnumerateArray().ToList();
        Assert.NotEmpty(actions);
        Assert.All(actions, a => Assert.Equal("Action.OpenUrl", a.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Webhook_TamperedBody_Is401()
    {
        var body = Body("my cases");
        var signature = TeamsApp.Hmac(body);
        body[^3] ^= 0x01;

        var response = await _app.PostWebhookAsync(body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_WrongSecret_Is401()
    {
        var body = Body("my cases");

        var response = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body, Encoding.UTF8.GetBytes("not-the-teams-security-token")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("HMAC not-base64!!")]
    [InlineData("HMAC ")]
    public async Task Webhook_MissingOrMalformedHeader_Is401ProblemDetails(string? header)
    {
        var response = await _app.PostWebhookAsync(Body("my cases"), header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Webhook_SameSignedRequestTwice_SecondIsRefusedAsReplay()
    {
        await _app.LinkAsync("north-1-a01");
        var body = Body("my cases");
        await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        var replay = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
    }

    [Fact]
    public async Task Webhook_SignedButOld_IsRefused()
    {
        var body = Body("my cases", at: _app.Time.GetUtcNow() - TimeSpan.FromMinutes(30));

        var response = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_Oversize_Is413()
    {
        var body = Body(new string('x', 100 * 1024));

        var response = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"text\":{\"nested\":true}}")]
    public async Task Webhook_SignedButMalformed_Is400(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var response = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_ScriptInText_IsNotEchoedAsMarkup()
    {
        await _app.LinkAsync("north-1-a01");
        var body = Body("[click](javascript:alert(1))<script>alert('x')</script> take <img src=x onerror=alert(1)>");

        var response = await _app.PostWebhookAsync(body, TeamsApp.Hmac(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var texts = (await TeamsApp.Json(response)).GetProperty("attachments")[0].GetProperty("content").GetProperty("body")
            .EnumerateArray().Select(b => b.GetProperty("text").GetString()!).ToList();
        Assert.All(texts, t => Assert.DoesNotContain("<", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("](", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_UnlinkedUser_IsToldToLinkTheirAccount()
    {
        var body = Body("my cases", agent: null);

        var reply = await TeamsApp.Json(await _app.PostWebhookAsync(body, TeamsApp.Hmac(body)));

        Assert.Equal("Who are you?", reply.GetProperty("attachments")[0].GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString());
    }
}
