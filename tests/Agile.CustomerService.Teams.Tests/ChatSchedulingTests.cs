using System.Net.Http.Json;
using System.Text.Json;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>The chat's scheduling commands end to end: a real schedule period, the bot, the self-scheduling service.</summary>
public sealed class ChatSchedulingTests : IDisposable
{
    private const string Period = "/api/teams/north-1/schedule/periods/2026-11-23";
    private static readonly string[] TimeOffAnswers = ["Time off requested.", "Your team decides: the request is waiting for a team lead."];
    private readonly TeamsApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string url, object body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        var response = await _app.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await TeamsApp.Json(response);
    }

    private async Task OpenPeriodAsync() => await SendAsync(HttpMethod.Post, "/api/teams/north-1/schedule/periods", new
    {
        start = "2026-11-23",
        weeks = 2,
        timeZone = "UTC",
        templates = new object[] { new { id = "early", start = "07:00", hours = 8, activity = "phone" } },
        needs = new object[] { new { activity = "phone", from = "08:00", until = "12:00", agents = 1 } },
    });

    /// <summary>Opens the period, publishes its open shifts, and has the agent claim the one on that day from the chat.</summary>
    private async Task<string> ClaimedShiftAsync(string agent, string date)
    {
        await OpenPeriodAsync();
        var open = (await SendAsync(HttpMethod.Post, $"{Period}/open-shifts", new { })).GetProperty("subject").EnumerateArray()
            .First(s => s.GetProperty("date").GetString() == date).GetProperty("id").GetString()!;
        Assert.Equal("The shift is yours.", (await SayAsync(agent, $"claim {open}")).Line(1));
        return open;
    }

    private async Task<JsonNodeCard> SayAsync(string agent, string text)
    {
        await _app.PostActivityAsync(_app.Activity("message", agent, text: text), _app.Token());
        return new JsonNodeCard(_app.Received()[^1].Json["attachments"]![0]!["content"]!);
    }

    [Fact]
    public async Task Claim_OpenShiftFromChat_IsTheAgentsAndListedUnderShifts()
    {
        await _app.LinkAsync("north-1-a03");
        await OpenPeriodAsync();
        var open = (await SendAsync(HttpMethod.Post, $"{Period}/open-shifts", new { })).GetProperty("subject")[0].GetProperty("id").GetString()!;

        var claim = await SayAsync("north-1-a03", $"claim {open}");
        var shifts = await SayAsync("north-1-a03", "shifts");

        Assert.Equal("The shift is yours.", claim.Line(1));
        Assert.StartsWith(open, shifts.Line(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_UnknownShift_IsRefusedWithTheReason()
    {
        await _app.LinkAsync("north-1-a03");
        await OpenPeriodAsync();

        var claim = await SayAsync("north-1-a03", $"claim {Guid.NewGuid()}");

        Assert.Equal("Attention", claim.Color);
        Assert.Contains("is not in a schedule period of your team", claim.Line(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeOff_InsideThePeriod_IsRequested()
    {
        await _app.LinkAsync("north-1-a03");
        await OpenPeriodAsync();

        var reply = await SayAsync("north-1-a03", "time off 2026-11-30..2026-12-01");

        Assert.Equal("Default", reply.Color);
        Assert.Contains(reply.Line(1), TimeOffAnswers);
    }

    [Fact]
    public async Task TimeOff_ThatWouldLeaveTheNeedUncovered_GoesToTheChannelAndTheLeadApprovesItThere()
    {
        await _app.LinkAsync("north-1-a03");
        await _app.LinkAsync("north-1-a10");
        await _app.InstallInChannelAsync("north-1");
        var open = await ClaimedShiftAsync("north-1-a03", "2026-11-30");

        var asked = await SayAsync("north-1-a03", "time off 2026-11-30");
        await _app.SettleAsync();

        Assert.Equal("Your team decides: the request is waiting for a team lead.", asked.Line(1));
        // The channel also hears the day's improvement prompt (TeamReminders runs on every settle locally).
        var card = Assert.Single(_app.Received(), r => r.Path.Contains(TeamsApp.ThreadOf("north-1"), StringComparison.Ordinal) && r.Body.Contains("Time off: the team decides", StringComparison.Ordinal)).Json["attachments"]![0]!["content"]!;
        Assert.Equal("Time off: the team decides", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("north-1-a03 asks for time off", card["body"]![1]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("It would break:", card["body"]![2]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var requestId = card["actions"]![0]!["data"]!["target"]!.GetValue<string>();

        var decided = await _app.ClickAsync("north-1-a10", "approve", requestId);

        Assert.Equal("Time off approved.", decided.Line(1));
        var period = await TeamsApp.Json(await _app.Client.GetAsync(Period));
        Assert.Contains(requestId, period.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"approved\"", period.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swap_ThePeerIsAskedInTheirChatAndAcceptsThere_TheShiftIsTheirs()
    {
        await _app.LinkAsync("north-1-a03");
        await _app.LinkAsync("north-1-a05");
        await _app.InstallPersonalAsync("north-1-a05");
        var open = await ClaimedShiftAsync("north-1-a03", "2026-11-30");

        Assert.Equal("north-1-a05 is asked to take the shift.", (await SayAsync("north-1-a03", $"swap {open} with north-1-a05")).Line(1));
        await _app.SettleAsync();

        var asked = Assert.Single(_app.Received(), r => r.Path.Contains("chat-north-1-a05", StringComparison.Ordinal)).Json["attachments"]![0]!["content"]!;
        Assert.Equal("A shift swap is asked of you", asked["body"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("north-1-a03 asks you to take the shift of Mon 2026-11-30 07:00–15:00 (UTC, Phone).", asked["body"]![1]!["text"]!.GetValue<string>());
        Assert.Equal(["accept-swap", "decline-swap"], asked["actions"]!.AsArray().Select(a => a!["verb"]!.GetValue<string>()));
        var swapId = asked["actions"]![0]!["data"]!["target"]!.GetValue<string>();

        var answer = await _app.ClickAsync("north-1-a05", "accept-swap", swapId);

        Assert.Equal("Swap accepted: the shift is yours.", answer.Line(1));
        Assert.StartsWith(open, (await SayAsync("north-1-a05", "shifts")).Line(2), StringComparison.Ordinal);
        Assert.Equal("You have no coming shifts.", (await SayAsync("north-1-a03", "shifts")).Line(1));
    }

    [Fact]
    public async Task Swap_AnsweredByAnyoneButThePeer_IsRefused()
    {
        await _app.LinkAsync("north-1-a03");
        await _app.LinkAsync("north-1-a06");
        var open = await ClaimedShiftAsync("north-1-a03", "2026-11-30");
        await SayAsync("north-1-a03", $"swap {open} with north-1-a05");
        var swapId = (await TeamsApp.Json(await _app.Client.GetAsync(Period))).GetProperty("swaps")[0].GetProperty("swapId").GetString()!;

        var answer = await _app.ClickAsync("north-1-a06", "accept-swap", swapId);

        Assert.Equal("Attention", answer.Color);
        Assert.Contains("asks agent north-1-a05, not north-1-a06", answer.Line(1), StringComparison.Ordinal);
    }
}

/// <summary>Reads the parts of a reply card the tests look at.</summary>
public sealed record JsonNodeCard(System.Text.Json.Nodes.JsonNode Card)
{
    public string Color => Card["body"]![0]!["color"]!.GetValue<string>();

    public string Line(int index) => Card["body"]![index]!["text"]!.GetValue<string>();
}
