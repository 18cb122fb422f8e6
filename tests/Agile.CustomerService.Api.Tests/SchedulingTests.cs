using System.Net;
using System.Text.Json;

namespace Agile.CustomerService.Api.Tests;

/// <summary>Self-scheduled shifts through HTTP (issue 7): periods, claims, swaps, time off, team decisions, suggestions, coverage.</summary>
public class SchedulingTests : AppTests
{
    // TestApp.T0 is Tuesday 2026-11-24 09:00 UTC; the period runs two weeks from Monday 2026-11-23.

    private const string Periods = "/api/teams/north-1/schedule/periods";
    private const string Period = Periods + "/2026-11-23";
    public SchedulingTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosSchedulingTests"/>).</param>
    protected SchedulingTests(TestApp app)
        : base(app)
    {
    }

    internal static object OpenBody(int phoneNeed = 1, int weeks = 2) => new
    {
        start = "2026-11-23",
        weeks,
        timeZone = "UTC",
        templates = new object[]
        {
            new { id = "early", start = "07:00", hours = 8, activity = "phone" },
            new { id = "late", start = "14:00", hours = 8, activity = "phone" },
            new { id = "office", start = "07:00", hours = 8, activity = "backOffice" },
        },
        needs = new object[] { new { activity = "phone", from = "08:00", until = "12:00", agents = phoneNeed } },
    };

    private async Task<HttpResponseMessage> OpenAsync(object? body = null) => await App.PostAsync(Periods, body ?? OpenBody());

    private async Task<JsonElement> ClaimAsync(string agentId, string date, string templateId, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await App.PostAsync($"{Period}/shifts", new { agentId, date, templateId }, "*");
        Assert.Equal(expected, response.StatusCode);
        return await TestApp.Json(response);
    }

    private async Task<(JsonElement Period, string ETag)> PeriodAsync()
    {
        var response = await App.Client.GetAsync(Period);
        response.EnsureSuccessStatusCode();
        return (await TestApp.Json(response), response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task OpenPeriod_ValidBody_CreatedWithTheTeamsAgentsAndAnETag()
    {
        var response = await OpenAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Period, response.Headers.Location!.ToString());
        var (period, etag) = await PeriodAsync();
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(10, period.GetProperty("schedule").GetProperty("agents").GetArrayLength());
        Assert.Equal(14, period.GetProperty("schedule").GetProperty("needs").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"start":"2026-11-23","weeks":5,"timeZone":"UTC","templates":[{"id":"e","start":"07:00","hours":8,"activity":"phone"}]}""", "weeks")]
    [InlineData("""{"start":"2026-11-23","weeks":2,"timeZone":"Mars/Olympus","templates":[{"id":"e","start":"07:00","hours":8,"activity":"phone"}]}""", "timeZone")]
    [InlineData("""{"start":"2026-11-23","weeks":2,"timeZone":"UTC","templates":[{"id":"e","start":"07:10","hours":8,"activity":"phone"}]}""", "templates[0].start")]
    [InlineData("""{"start":"2026-11-23","weeks":2,"timeZone":"UTC","templates":[{"id":"e","start":"07:00","hours":8,"activity":"phone"}],"needs":[{"activity":"radio","from":"08:00","until":"09:00","agents":1}]}""", "needs[0].activity")]
    [InlineData("""{"start":"2026-11-23","weeks":2,"timeZone":"UTC","templates":[]}""", "templates.length")]
    public async Task OpenPeriod_BadInput_400NamingTheFieldAndWritesNothing(string body, string field)
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, Periods, body, ("Idempotency-Key", App.NextKey()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await TestApp.Json(response)).Str("detail"), StringComparison.Ordinal);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task OpenPeriod_OverlappingAnother_409()
    {
        await OpenAsync();

        var response = await App.PostAsync(Periods, OpenBody(weeks: 3));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task ClaimShift_WithinRules_ClaimedAndShown()
    {
        await OpenAsync();

        var result = await ClaimAsync("north-1-a01", "2026-11-25", "early");

        Assert.Equal("claimed", result.Str("outcome"));
        Assert.Equal("north-1-a01", result.GetProperty("subject").Str("agentId"));
        var (period, _) = await PeriodAsync();
        Assert.Single(period.GetProperty("schedule").GetProperty("shifts").EnumerateArray());
    }

    [Fact]
    public async Task ClaimShift_RestTooShortAfterLateShift_409NamingTheRule()
    {
        await OpenAsync();
        await ClaimAsync("north-1-a01", "2026-11-25", "late");
        var before = App.Fingerprint();

        var response = await App.PostAsync($"{Period}/shifts", new { agentId = "north-1-a01", date = "2026-11-26", templateId = "early" }, "*");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = (await TestApp.Json(response)).Str("detail");
        Assert.Contains("rest between shifts 9 h < 11 h for agent north-1-a01 on 2026-11-26", detail, StringComparison.Ordinal);
        Assert.Contains("rule restBetweenShifts", detail, StringComparison.Ordinal);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task ClaimShift_SameIdempotencyKeyTwice_OneShiftSameAnswer()
    {
        await OpenAsync();
        var body = new { agentId = "north-1-a01", date = "2026-11-25", templateId = "early" };

        var first = await App.PostAsync($"{Period}/shifts", body, "*", key: "claim-once");
        var second = await App.PostAsync($"{Period}/shifts", body, "*", key: "claim-once");

        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var (period, _) = await PeriodAsync();
        Assert.Single(period.GetProperty("schedule").GetProperty("shifts").EnumerateArray());
    }

    [Fact]
    public async Task ClaimShift_StaleIfMatch_412AndNothingWritten()
    {
        await OpenAsync();
        var (_, etag) = await PeriodAsync();
        await ClaimAsync("north-1-a01", "2026-11-25", "early");
        var before = App.Fingerprint();

        var response = await App.PostAsync($"{Period}/shifts", new { agentId = "north-1-a02", date = "2026-11-25", templateId = "early" }, etag);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task ClaimShift_WithoutIfMatch_428()
    {
        await OpenAsync();

        var response = await App.PostAsync($"{Period}/shifts", new { agentId = "north-1-a01", date = "2026-11-25", templateId = "early" });

        Assert.Equal(HttpStatusCode.PreconditionRequired, response.StatusCode);
    }

    [Fact]
    public async Task ReleaseShift_CoveringANeed_OpenShiftWithNoticeNamingTheInterval()
    {
        await OpenAsync();
        var shiftId = (await ClaimAsync("north-1-a01", "2026-11-25", "early")).GetProperty("subject").Str("id");

        var response = await App.PostAsync($"{Period}/shifts/{shiftId}/release", new { agentId = "north-1-a01" }, "*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await TestApp.Json(response);
        Assert.Equal("released", result.Str("outcome"));
        Assert.Contains(result.GetProperty("reasons").EnumerateArray(), r => r.Str("message") == "coverage for Phone on 2026-11-25 08:00-08:30 would drop to 0 < need 1");
        Assert.Equal(JsonValueKind.Null, result.GetProperty("subject").GetProperty("agentId").ValueKind);
    }

    [Fact]
    public async Task OpenShiftsForGaps_NeedsUncovered_OpenShiftsThenNoneOnRepeat()
    {
        await OpenAsync();

        var first = await TestApp.Json(await App.PostAsync($"{Period}/open-shifts", new { }, "*"));
        var second = await TestApp.Json(await App.PostAsync($"{Period}/open-shifts", new { }, "*"));

        Assert.Equal(14, first.GetProperty("subject").GetArrayLength());
        Assert.Equal("unchanged", second.Str("outcome"));
    }

    [Fact]
    public async Task ClaimOpenShift_Open_ClaimedByTheAgent()
    {
        await OpenAsync();
        var open = (await TestApp.Json(await App.PostAsync($"{Period}/open-shifts", new { }, "*"))).GetProperty("subject")[0].Str("id");

        var response = await App.PostAsync($"{Period}/shifts/{open}/claim", new { agentId = "north-1-a03" }, "*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("north-1-a03", (await TestApp.Json(response)).GetProperty("subject").Str("agentId"));
    }

    [Fact]
    public async Task Swap_PeerAcceptsAndRulesHold_ApprovedAutomatically()
    {
        await OpenAsync();
        var mine = (await ClaimAsync("north-1-a01", "2026-11-25", "early")).GetProperty("subject").Str("id");
        var swap = await TestApp.Json(await App.PostAsync($"{Period}/swaps", new { requesterId = "north-1-a01", requesterShiftId = mine, peerId = "north-1-a02" }, "*"));
        Assert.Equal("awaitingPeer", swap.Str("outcome"));

        var response = await App.PostAsync($"{Period}/swaps/{swap.GetProperty("subject").Str("swapId")}/answer", new { agentId = "north-1-a02", accept = true }, "*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("approved", (await TestApp.Json(response)).Str("outcome"));
        var (period, _) = await PeriodAsync();
        Assert.Equal("north-1-a02", period.GetProperty("schedule").GetProperty("shifts")[0].Str("agentId"));
    }

    [Fact]
    public async Task Swap_BreaksRestOfPeer_AwaitingTeamNamingTheRuleThenTeamApproves()
    {
        await OpenAsync();
        await ClaimAsync("north-1-a02", "2026-11-25", "late");
        var mine = (await ClaimAsync("north-1-a01", "2026-11-26", "early")).GetProperty("subject").Str("id");
        var swapId = (await TestApp.Json(await App.PostAsync($"{Period}/swaps", new { requesterId = "north-1-a01", requesterShiftId = mine, peerId = "north-1-a02" }, "*")))
            .GetProperty("subject").Str("swapId");

        var accepted = await App.PostAsync($"{Period}/swaps/{swapId}/answer", new { agentId = "north-1-a02", accept = true }, "*");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var referred = await TestApp.Json(accepted);
        Assert.Equal("awaitingTeam", referred.Str("outcome"));
        Assert.Contains(referred.GetProperty("reasons").EnumerateArray(), r => r.Str("rule") == "restBetweenShifts" && r.Str("message").Contains("north-1-a02", StringComparison.Ordinal));

        var decided = await App.PostAsync($"{Period}/swaps/{swapId}/decision", new { by = "north-1-a10", approve = true }, "*");

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("approved", (await TestApp.Json(decided)).Str("outcome"));
    }

    [Fact]
    public async Task TimeOff_CoverageHolds_ApprovedAutomatically()
    {
        await OpenAsync();

        var response = await App.PostAsync($"{Period}/time-off", new { agentId = "north-1-a04", from = "2026-11-30T00:00:00", until = "2026-12-01T00:00:00", reason = "dentist" }, "*");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("approved", (await TestApp.Json(response)).Str("outcome"));
    }

    [Fact]
    public async Task TimeOff_BreaksCoverage_AwaitingTeamNamingTheIntervalThenTeamDeclines()
    {
        await OpenAsync();
        await ClaimAsync("north-1-a01", "2026-11-25", "early");

        var response = await App.PostAsync($"{Period}/time-off", new { agentId = "north-1-a01", from = "2026-11-25T00:00:00", until = "2026-11-26T00:00:00" }, "*");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var referred = await TestApp.Json(response);
        Assert.Contains(referred.GetProperty("reasons").EnumerateArray(), r => r.Str("message") == "coverage for Phone on 2026-11-25 08:00-08:30 would drop to 0 < need 1");
        var requestId = referred.GetProperty("subject").Str("requestId");

        var decided = await App.PostAsync($"{Period}/time-off/{requestId}/decision", new { by = "north-1-a10", approve = false, reason = "peak week" }, "*");

        Assert.Equal("declined", (await TestApp.Json(decided)).Str("outcome"));
        var (period, _) = await PeriodAsync();
        Assert.Empty(period.GetProperty("schedule").GetProperty("timeOff").EnumerateArray());
    }

    [Fact]
    public async Task Suggestions_GapsMode_ProposesShiftsCoveringTheNeedWithoutWriting()
    {
        await OpenAsync();
        var before = App.Fingerprint();

        var response = await App.PostAsync($"{Period}/suggestions", new { mode = "gaps", timeLimitSeconds = 5 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var suggestion = await TestApp.Json(response);
        Assert.Equal(0, suggestion.GetProperty("shortfall").GetInt32());
        Assert.True(suggestion.GetProperty("shifts").GetArrayLength() >= 14);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Suggestions_TimeLimitTooLong_400()
    {
        await OpenAsync();

        var response = await App.PostAsync($"{Period}/suggestions", new { mode = "gaps", timeLimitSeconds = 600 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Coverage_OneDayShortOnly_IntervalsShortOfNeedAndFairness()
    {
        await OpenAsync();
        await ClaimAsync("north-1-a01", "2026-11-25", "early");

        var report = await TestApp.Json(await App.Client.GetAsync($"{Period}/coverage?date=2026-11-26&shortOnly=true"));

        Assert.Equal(8, report.GetProperty("intervals").GetArrayLength());
        Assert.Equal(8 * 14 - 8, report.GetProperty("totals").GetProperty("shortfall").GetInt32());
        Assert.True(report.TryGetProperty("fairness", out _));
    }

    [Fact]
    public async Task Publish_EmitsEventsAndGetListsThePeriodAsPublished()
    {
        await OpenAsync();

        var response = await App.PostAsync($"{Period}/publish", new { }, "*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await TestApp.Json(await App.Client.GetAsync(Periods));
        Assert.Equal("published", list[0].Str("status"));
    }

    [Fact]
    public async Task Mutation_UnknownPeriod_404()
    {
        var response = await App.PostAsync($"{Periods}/2030-01-07/publish", new { }, "*");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Swap_UnknownShift_422NamingIt()
    {
        await OpenAsync();
        var missing = Guid.NewGuid();

        var response = await App.PostAsync($"{Period}/swaps", new { requesterId = "north-1-a01", requesterShiftId = missing, peerId = "north-1-a02" }, "*");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(missing.ToString(), (await TestApp.Json(response)).Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamsSync_GraphNotConfigured_503SayingHowToEnableIt()
    {
        await OpenAsync();
        await App.PostAsync($"{Period}/publish", new { }, "*");

        var response = await App.PostAsync($"{Period}/teams-sync", new { });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Graph:Enabled", (await TestApp.Json(response)).Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamsLink_MissingTeamsId_400AndWritesNothing()
    {
        var before = App.Fingerprint();

        var response = await App.PutAsync("/api/teams/north-1/schedule/teams-link", new { actAsUserId = "u", schedulingGroupId = "g" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("graphTeamId", (await TestApp.Json(response)).Str("detail"), StringComparison.Ordinal);
        Assert.Equal(before, App.Fingerprint());
    }
}
