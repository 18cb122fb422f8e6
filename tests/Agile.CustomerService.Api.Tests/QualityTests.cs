using System.Net;
using System.Text.Json;
using Agile.CustomerService.Application.Quality;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Api.Tests;

/// <summary>Transcripts, forbidden phrases, flags and handle-time exemptions through HTTP.</summary>
public class QualityTests : AppTests
{
    private const string CardPattern = @"\b(?:\d[ -]?){13,19}\b";

    public QualityTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosQualityTests"/>).</param>
    protected QualityTests(TestApp app)
        : base(app)
    {
    }

    /// <summary>A case of cust-00005 (north-1 in the small seed... whichever team owns it) accepted by the offered agent.</summary>
    private async Task<(string CaseId, string TeamId, string AgentId)> ServedCaseAsync(string customerId = "cust-00005")
    {
        var c = await App.IntakeAsync(customerId);
        var agent = c.Str("offeredTo");
        var accepted = await App.ActAsync(c.Str("id"), "accept", new { agentId = agent });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await App.SettleAsync();
        return (c.Str("id"), c.Str("handlingTeamId"), agent);
    }

    private async Task PutPhrasesAsync(string teamId, params object[] phrases)
    {
        var response = await App.PutAsync($"/api/teams/{teamId}/quality/phrases", new { by = "lead-1", phrases });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Phrases_PutThenGet_ReturnsTheListWithAnETag()
    {
        await PutPhrasesAsync("north-1",
            new { id = "rude", kind = "phrase", text = "not my problem" },
            new { id = "card", kind = "pattern", text = CardPattern, label = "card number" });

        var response = await App.Client.GetAsync("/api/teams/north-1/quality/phrases");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var list = await TestApp.Json(response);
        Assert.Equal(["rude", "card"], list.GetProperty("phrases").EnumerateArray().Select(p => p.Str("id")));
        Assert.Equal("card number", list.GetProperty("phrases")[1].Str("label"));
        Assert.Equal("not my problem", list.GetProperty("phrases")[0].Str("label"));
    }

    [Fact]
    public async Task Phrases_UnknownTeam_Is404()
    {
        var response = await App.Client.GetAsync("/api/teams/nowhere-9/quality/phrases");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Transcript_Attached_IsStoredAsBlobAndReadBack()
    {
        var (caseId, _, agent) = await ServedCaseAsync();
        var text = "Agent: Good morning, how can I help?\nCustomer: My bill is too high. Grüße.";

        var response = await App.PostAsync($"/api/cases/{caseId}/transcript", new { text, by = agent });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var get = await TestApp.Json(await App.Client.GetAsync($"/api/cases/{caseId}/transcript"));
        var transcript = Assert.Single(get.GetProperty("transcripts").EnumerateArray());
        Assert.Equal(text, transcript.Str("text"));
        Assert.Equal(0, transcript.GetProperty("flagCount").GetInt32());
        var file = Assert.Single(Directory.GetFiles(Path.Combine(App.BlobsPath, "transcripts"), "*.txt", SearchOption.AllDirectories));
        Assert.Equal(text, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Transcript_BreakingTheList_IsFlaggedForTheHandlingTeamWithTheMatchRedacted()
    {
        var (caseId, teamId, agent) = await ServedCaseAsync();
        await PutPhrasesAsync(teamId,
            new { id = "rude", kind = "phrase", text = "not my problem" },
            new { id = "card", kind = "pattern", text = CardPattern, label = "card number" });

        var response = await App.PostAsync($"/api/cases/{caseId}/transcript", new
        {
            text = "Agent: Honestly that's Not My Problem.\nAgent: Read me your card, is it 4111 1111 1111 1111?",
            by = agent,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var flags = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}/quality/flags"));
        var flag = Assert.Single(flags.GetProperty("flags").EnumerateArray());
        Assert.Equal(caseId, flag.Str("caseId"));
        Assert.Equal(agent, flag.Str("agentId"));
        Assert.Equal(["rude", "card"], flag.GetProperty("matches").EnumerateArray().Select(m => m.Str("phraseId")));
        Assert.DoesNotContain("4111", flags.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcript_CleanText_RaisesNoFlag()
    {
        var (caseId, teamId, agent) = await ServedCaseAsync();
        await PutPhrasesAsync(teamId, new { id = "rude", kind = "phrase", text = "not my problem" });

        await App.PostAsync($"/api/cases/{caseId}/transcript", new { text = "Agent: That is a problem we can solve today.", by = agent });

        var flags = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}/quality/flags"));
        Assert.Equal(0, flags.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Transcript_RepeatedWithSameKey_ReturnsTheFirstResultAndStoresOnce()
    {
        var (caseId, teamId, agent) = await ServedCaseAsync();
        await PutPhrasesAsync(teamId, new { id = "rude", kind = "phrase", text = "calm down" });
        var body = new { text = "Agent: calm down please", by = agent };
        var first = await App.PostAsync($"/api/cases/{caseId}/transcript", body, key: "t-1");
        var before = App.Fingerprint();

        var second = await App.PostAsync($"/api/cases/{caseId}/transcript", body, key: "t-1");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(before, App.Fingerprint());
        var flags = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}/quality/flags"));
        Assert.Equal(1, flags.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Transcript_UnknownCase_Is404()
    {
        var response = await App.PostAsync("/api/cases/cust-00005~0123456789abcdef0123456789abcdef/transcript", new { text = "hello", by = "north-1-a01" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Exemption_RequestedAndApproved_IsStoredForTheMetricsAndLeavesThePendingList()
    {
        var (caseId, teamId, agent) = await ServedCaseAsync();
        var requested = await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = agent, reason = "Customer was bereaved; the call needed time" });
        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var id = (await TestApp.Json(requested)).Str("id");
        var pending = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}/quality/exemptions"));
        Assert.Equal([id], pending.GetProperty("exemptions").EnumerateArray().Select(e => e.Str("id")));

        var decided = await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-1", approved = true, note = "good call" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("approved", (await TestApp.Json(decided)).Str("status"));
        var stillPending = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}/quality/exemptions"));
        Assert.Equal(0, stillPending.GetProperty("count").GetInt32());
        var stored = await App.Service<IStateStore>().QueryAsync(Partitions.Team(teamId), Kinds.HandleTimeExemption, TestContext.Current.CancellationToken);
        var exemption = JsonDocument.Parse(Assert.Single(stored).Json).RootElement;
        Assert.Equal(caseId, exemption.Str("caseId"));
        Assert.Equal(teamId, exemption.Str("teamId"));
        Assert.True(exemption.GetProperty("approved").GetBoolean());
        Assert.Equal("coach-1", exemption.Str("decidedBy"));
        Assert.Equal("Customer was bereaved; the call needed time", exemption.Str("reason"));
    }

    [Fact]
    public async Task Exemption_Approved_TakesTheCaseOutOfTheTeamsAverageHandleTime()
    {
        var (shortCall, teamId, agent) = await ServedCaseAsync("cust-00005");
        App.Time.Advance(TimeSpan.FromMinutes(2));
        await App.ActAsync(shortCall, "resolve", new { agentId = agent, resolution = "done" });
        var (longCall, longTeam, longAgent) = await ServedCaseAsync("cust-00009");
        App.Time.Advance(TimeSpan.FromMinutes(40));
        await App.ActAsync(longCall, "resolve", new { agentId = longAgent, resolution = "stayed with a distressed customer" });
        await App.SettleAsync();
        Assert.Equal(teamId, longTeam);
        var before = await HandleTimeAsync(teamId);
        var id = (await TestApp.Json(await App.PostAsync($"/api/cases/{longCall}/exemption", new { agentId = longAgent, reason = "distressed customer" }))).Str("id");

        await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-1", approved = true });

        Assert.Equal(21 * 60, before);
        Assert.Equal(2 * 60, await HandleTimeAsync(teamId));
    }

    private async Task<double> HandleTimeAsync(string teamId)
    {
        var metrics = await TestApp.Json(await App.Client.GetAsync($"/api/metrics/teams/{teamId}?from=2026-11-24&to=2026-11-24"));
        return metrics.GetProperty("kpis").GetProperty("averageHandleTime").GetProperty("value").GetDouble();
    }

    [Fact]
    public async Task Exemption_Declined_IsNotStoredAsHandleTimeExemption()
    {
        var (caseId, teamId, agent) = await ServedCaseAsync();
        var id = (await TestApp.Json(await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = agent, reason = "long call" }))).Str("id");

        var decided = await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-1", approved = false, note = "handle time was normal" });

        Assert.Equal("declined", (await TestApp.Json(decided)).Str("status"));
        var stored = await App.Service<IStateStore>().QueryAsync(Partitions.Team(teamId), Kinds.HandleTimeExemption, TestContext.Current.CancellationToken);
        Assert.Empty(stored);
        var declined = await TestApp.Json(await App.Client.GetAsync($"/api/teams/{teamId}/quality/exemptions?status=declined"));
        Assert.Equal(1, declined.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Exemption_DecidedTwice_SecondIs409AndChangesNothing()
    {
        var (caseId, _, agent) = await ServedCaseAsync();
        var id = (await TestApp.Json(await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = agent, reason = "long call" }))).Str("id");
        await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-1", approved = true });
        var before = App.Fingerprint();

        var again = await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-2", approved = false });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Exemption_DecisionRepeatedWithSameKey_ReturnsTheFirstResult()
    {
        var (caseId, _, agent) = await ServedCaseAsync();
        var id = (await TestApp.Json(await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = agent, reason = "long call" }))).Str("id");
        var first = await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-1", approved = true }, key: "d-1");

        var second = await App.PostAsync($"/api/exemptions/{id}/decision", new { coachId = "coach-1", approved = true }, key: "d-1");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Exemption_ByAnAgentWhoDidNotServeTheCase_Is422()
    {
        var (caseId, teamId, agent) = await ServedCaseAsync();
        var other = agent == $"{teamId}-a01" ? $"{teamId}-a02" : $"{teamId}-a01";
        var before = App.Fingerprint();

        var response = await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = other, reason = "long call" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Exemption_SecondRequestForTheSameCase_Is409()
    {
        var (caseId, _, agent) = await ServedCaseAsync();
        await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = agent, reason = "long call" });

        var again = await App.PostAsync($"/api/cases/{caseId}/exemption", new { agentId = agent, reason = "really long call" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    public static TheoryData<string, string, string, string, int, string> BadQualityInput => new()
    {
        { "phrases: bad regex", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[{\"kind\":\"pattern\",\"text\":\"[unclosed\"}]}", 400, "not a usable pattern" },
        { "phrases: backreference", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[{\"kind\":\"pattern\",\"text\":\"(a)\\\\1\"}]}", 400, "not a usable pattern" },
        { "phrases: matches empty", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[{\"kind\":\"pattern\",\"text\":\"x*\"}]}", 400, "matches empty text" },
        { "phrases: unknown kind", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[{\"kind\":\"magic\",\"text\":\"x\"}]}", 400, "malformed JSON" },
        { "phrases: missing list", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\"}", 400, "phrases" },
        { "phrases: duplicate id", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[{\"id\":\"a\",\"kind\":\"phrase\",\"text\":\"x\"},{\"id\":\"a\",\"kind\":\"phrase\",\"text\":\"y\"}]}", 400, "used twice" },
        { "phrases: text too long", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[{\"kind\":\"phrase\",\"text\":\"" + new string('x', 201) + "\"}]}", 400, "at most 200" },
        { "phrases: too many", "PUT", "/api/teams/north-1/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"{{\"id\":\"p{i}\",\"kind\":\"phrase\",\"text\":\"w{i}\"}}")) + "]}", 400, "at most 100" },
        { "phrases: unknown team", "PUT", "/api/teams/nowhere-9/quality/phrases", "{\"by\":\"lead-1\",\"phrases\":[]}", 404, "nowhere-9" },
        { "transcript: empty text", "POST", "/api/cases/{case}/transcript", "{\"text\":\"\",\"by\":\"north-1-a01\"}", 400, "text is required" },
        { "transcript: too long", "POST", "/api/cases/{case}/transcript", "{\"text\":\"" + new string('x', 50_001) + "\",\"by\":\"north-1-a01\"}", 400, "at most 50000" },
        { "transcript: over body limit", "POST", "/api/cases/{case}/transcript", "{\"text\":\"" + new string('x', 70_000) + "\",\"by\":\"north-1-a01\"}", 413, "at most" },
        { "transcript: bad by", "POST", "/api/cases/{case}/transcript", "{\"text\":\"hi\",\"by\":\"a b\"}", 400, "by must be" },
        { "exemption: no reason", "POST", "/api/cases/{case}/exemption", "{\"agentId\":\"north-1-a01\"}", 400, "reason is required" },
        { "exemption: unknown agent", "POST", "/api/cases/{case}/exemption", "{\"agentId\":\"nobody-1\",\"reason\":\"x\"}", 403, "roles do not allow" },
        { "decision: missing approved", "POST", "/api/exemptions/north-1~0123456789abcdef0123456789abcdef/decision", "{\"coachId\":\"coach-1\"}", 400, "approved" },
        { "decision: unknown exemption", "POST", "/api/exemptions/north-1~0123456789abcdef0123456789abcdef/decision", "{\"coachId\":\"coach-1\",\"approved\":true}", 404, "does not exist" },
        { "decision: malformed id", "POST", "/api/exemptions/garbage/decision", "{\"coachId\":\"coach-1\",\"approved\":true}", 404, "does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadQualityInput))]
    public async Task Quality_BadInput_ProblemDetailsAndNothingWritten(string name, string method, string url, string body, int status, string mentions)
    {
        var (caseId, _, _) = await ServedCaseAsync();
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(new HttpMethod(method), url.Replace("{case}", caseId, StringComparison.Ordinal), body, ("Idempotency-Key", "bad-" + name));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, App.Fingerprint());
        Assert.False(Directory.Exists(Path.Combine(App.BlobsPath, "transcripts")), "no blob may be written");
    }

    [Theory]
    [InlineData("/api/cases/{case}/transcript", "{\"text\":\"hi\",\"by\":\"north-1-a01\"}")]
    [InlineData("/api/cases/{case}/exemption", "{\"agentId\":\"north-1-a01\",\"reason\":\"x\"}")]
    [InlineData("/api/exemptions/north-1~0123456789abcdef0123456789abcdef/decision", "{\"coachId\":\"coach-1\",\"approved\":true}")]
    public async Task Quality_MutationWithoutIdempotencyKey_Is400AndNothingWritten(string url, string body)
    {
        var (caseId, _, _) = await ServedCaseAsync();
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, url.Replace("{case}", caseId, StringComparison.Ordinal), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Flags_BadDate_Is400()
    {
        var response = await App.Client.GetAsync("/api/teams/north-1/quality/flags?from=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
