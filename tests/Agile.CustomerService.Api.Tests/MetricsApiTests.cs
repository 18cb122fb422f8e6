using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;

namespace Agile.CustomerService.Api.Tests;

/// <summary>Case events and feedback land in the rollups; the metrics API reads them back, per window, per day and per case.</summary>
public class MetricsApiTests : AppTests
{
    private const string Today = "2026-11-24";
    public MetricsApiTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosMetricsApiTests"/>).</param>
    protected MetricsApiTests(TestApp app)
        : base(app)
    {
    }

    [Fact]
    public async Task TeamMetrics_ResolvedOnFirstContact_CountsFcrHandleTimeAndSla()
    {
        var caseId = await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(3));

        var kpis = (await MetricsAsync("north-1")).GetProperty("kpis");

        AssertKpi(kpis, "firstContactResolution", 1, 1, 1);
        AssertKpi(kpis, "averageHandleTime", 180, 180, 1);
        AssertKpi(kpis, "slaAttainment", 1, 1, 1);
        AssertKpi(kpis, "repeatContactRate", 0, 0, 1);
        Assert.Equal(caseId, (await DrillAsync("north-1", "firstContactResolution")).GetProperty("cases")[0].Str("caseId"));
    }

    [Fact]
    public async Task TeamMetrics_RepeatContactWithinSevenDays_CountsRepeat()
    {
        await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(1));
        await App.IntakeAsync("cust-00005");
        await App.SettleAsync();

        var kpis = (await MetricsAsync("north-1")).GetProperty("kpis");

        AssertKpi(kpis, "repeatContactRate", 0.5, 1, 2);
    }

    [Fact]
    public async Task TeamMetrics_SeriesHasOnePointPerDayOfTheWindow()
    {
        await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(1));

        var metrics = await MetricsAsync("north-1", "2026-11-20", Today);

        var series = metrics.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", Today], series.Select(d => d.Str("day")));
        Assert.Equal(1, series[^1].GetProperty("kpis").GetProperty("firstContactResolution").GetProperty("denominator").GetDouble());
        Assert.Equal(0, series[0].GetProperty("kpis").GetProperty("firstContactResolution").GetProperty("denominator").GetDouble());
    }

    [Fact]
    public async Task Rollup_EveryEventRedelivered_ChangesNothing()
    {
        var (before, changes) = await TwoResolvedCasesAsync();

        IChangeSubscriber projection = App.Service<DailyRollupProjection>();
        foreach (var change in changes.Reverse())
        {
            await projection.HandleAsync(change, CancellationToken.None);
        }

        Assert.Equal(before, await App.Client.GetStringAsync($"/api/metrics/teams/north-1?from={Today}&to={Today}"));
    }

    [Fact]
    public async Task Rollup_WholeHistoryRedeliveredAsOneBatch_ChangesNothing()
    {
        var (before, changes) = await TwoResolvedCasesAsync();

        var projection = App.Service<DailyRollupProjection>();
        var batch = new ChangeBatch([.. changes]);
        for (var i = 0; i < batch.Count; i++)
        {
            await projection.HandleAsync(batch, i, CancellationToken.None);
        }

        Assert.Equal(before, await App.Client.GetStringAsync($"/api/metrics/teams/north-1?from={Today}&to={Today}"));
    }

    /// <summary>Two resolved cases of north-1, the team's metrics for today as they stand, and every event so far.</summary>
    private async Task<(string Before, IReadOnlyList<ChangeRecord> Changes)> TwoResolvedCasesAsync()
    {
        await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(2));
        await ResolvedCaseAsync("cust-00009", TimeSpan.FromMinutes(4));
        var before = await App.Client.GetStringAsync($"/api/metrics/teams/north-1?from={Today}&to={Today}");
        return (before, (await App.Service<IStateStore>().ReadChangesAsync(null, 10_000, CancellationToken.None)).Changes);
    }

    [Fact]
    public async Task Rollup_BatchesLargerThanOneCommit_CountEveryCaseAndEachCustomerServedOnce()
    {
        // 30 cases answered before the pipeline runs: about 120 events, delivered in batches of up to 100,
        // whose north-1 writes (a marker and drill-down entries per event) take more than one commit each.
        var customers = new[] { "cust-00005", "cust-00009", "cust-00013" };
        for (var i = 0; i < 30; i++)
        {
            var c = await App.IntakeAsync(customers[i % customers.Length], key: $"batch-{i}");
            Assert.Equal("north-1", c.Str("owningTeamId"));
            var agent = c.Str("offeredTo");
            Assert.Equal(HttpStatusCode.OK, (await App.ActAsync(c.Str("id"), "accept", new { agentId = agent })).StatusCode);
            App.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.OK, (await App.ActAsync(c.Str("id"), "resolve", new { agentId = agent, resolution = "done" })).StatusCode);
        }

        await App.SettleAsync();

        var kpis = (await MetricsAsync("north-1")).GetProperty("kpis");
        Assert.Equal(30, kpis.GetProperty("averageHandleTime").GetProperty("denominator").GetDouble());
        Assert.Equal(30 * 60, kpis.GetProperty("averageHandleTime").GetProperty("numerator").GetDouble());
        Assert.Equal(3, kpis.GetProperty("customersServedPerAgent").GetProperty("numerator").GetDouble());
        Assert.Equal(30, (await DrillAsync("north-1", "averageHandleTime")).GetProperty("cases").GetArrayLength());
    }

    [Fact]
    public async Task Csat_SecondAnswerForTheSameCase_Is409AndCountsOnce()
    {
        var caseId = await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await App.PostAsync("/api/surveys/csat", new { caseId, score = 5 })).StatusCode);

        var again = await App.PostAsync("/api/surveys/csat", new { caseId, score = 1 });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        AssertKpi((await MetricsAsync("north-1")).GetProperty("kpis"), "csat", 1, 1, 1);
    }

    [Fact]
    public async Task Surveys_SameIdempotencyKey_ReturnSameAnswerAndCountOnce()
    {
        var first = await App.PostAsync("/api/surveys/nps", new { customerId = "cust-00005", score = 10 }, key: "nps-1");
        var second = await App.PostAsync("/api/surveys/nps", new { customerId = "cust-00005", score = 10 }, key: "nps-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        AssertKpi((await MetricsAsync("north-1")).GetProperty("kpis"), "nps", 100, 1, 1);
    }

    [Fact]
    public async Task Nps_PromotersMinusDetractors_InPoints()
    {
        foreach (var score in new[] { 10, 9, 8, 3 })
        {
            Assert.Equal(HttpStatusCode.Created, (await App.PostAsync("/api/surveys/nps", new { customerId = "cust-00005", score })).StatusCode);
        }

        AssertKpi((await MetricsAsync("north-1")).GetProperty("kpis"), "nps", 25, 1, 4);
    }

    [Fact]
    public async Task Pulse_IsCountedAsEmployeeNpsWithoutAnAgent()
    {
        await App.PostAsync("/api/surveys/pulse", new { teamId = "north-2", score = 9 }, token: TestTokens.For("north-2-a01", "Agent"));
        await App.PostAsync("/api/surveys/pulse", new { teamId = "north-2", score = 5 }, token: TestTokens.For("north-2-a02", "Agent"));

        AssertKpi((await MetricsAsync("north-2")).GetProperty("kpis"), "employeeNps", 0, 0, 2);
    }

    [Fact]
    public async Task Complaint_CountsForTheOwningTeamAndIsListedForTheDay()
    {
        var caseId = await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(1));

        var response = await App.PostAsync("/api/complaints", new { customerId = "cust-00005", caseId, topic = "billing", text = "I was charged twice" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        AssertKpi((await MetricsAsync("north-1")).GetProperty("kpis"), "complaintRate", 1, 1, 1);
        var listed = await TestApp.Json(await App.Client.GetAsync($"/api/teams/north-1/complaints?day={Today}"));
        Assert.Equal("I was charged twice", listed[0].Str("text"));
    }

    [Fact]
    public async Task AverageHandleTime_ApprovedExemption_LeavesTheCaseOut()
    {
        await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(2));
        var longCall = await ResolvedCaseAsync("cust-00009", TimeSpan.FromMinutes(40));
        await App.Service<IStateStore>().CommitAsync(Partitions.Team("north-1"), CancellationToken.None,
            StateStoreExtensions.Put(HandleTimeExemption.IdFor(longCall), Kinds.HandleTimeExemption, new { caseId = longCall, approved = true, reason = "vulnerable customer" }, null));

        var kpis = (await MetricsAsync("north-1")).GetProperty("kpis");

        AssertKpi(kpis, "averageHandleTime", 120, 120, 1);
        Assert.DoesNotContain((await DrillAsync("north-1", "averageHandleTime")).GetProperty("cases").EnumerateArray(), c => c.Str("caseId") == longCall);
    }

    [Fact]
    public async Task AverageHandleTime_ExemptionNotApproved_CountsTheCase()
    {
        await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(2));
        var longCall = await ResolvedCaseAsync("cust-00009", TimeSpan.FromMinutes(40));
        await App.Service<IStateStore>().CommitAsync(Partitions.Team("north-1"), CancellationToken.None,
            StateStoreExtensions.Put(HandleTimeExemption.IdFor(longCall), Kinds.HandleTimeExemption, new { caseId = longCall, approved = false }, null));

        AssertKpi((await MetricsAsync("north-1")).GetProperty("kpis"), "averageHandleTime", 1260, 2520, 2);
    }

    [Fact]
    public async Task SpillOver_GivenByOwnerAndReceivedByHelper()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        await App.IntakeAsync("cust-00005");
        await App.AdvanceAsync(TimeSpan.FromMinutes(6));

        var given = (await MetricsAsync("north-1")).GetProperty("kpis").GetProperty("spillOverGiven");
        var teams = await TestApp.Json(await App.Client.GetAsync($"/api/metrics/teams?from={Today}&to={Today}"));

        Assert.Equal(1, given.GetProperty("numerator").GetDouble());
        Assert.Equal(1, teams.GetProperty("teams").EnumerateArray().Sum(t => t.GetProperty("kpis").GetProperty("spillOverReceived").GetProperty("numerator").GetDouble()));
    }

    [Fact]
    public async Task BacklogAge_OpenCaseAtTheEndOfTheWindow_IsItsAge()
    {
        await App.SetTeamAvailabilityAsync("north-1", false);
        await App.SetTeamAvailabilityAsync("north-2", false);
        await App.SetTeamAvailabilityAsync("north-3", false);
        await App.SetTeamAvailabilityAsync("north-4", false);
        await App.SetTeamAvailabilityAsync("north-5", false);
        await App.SetTeamAvailabilityAsync("north-6", false);
        var c = await App.IntakeAsync("cust-00005");
        await App.AdvanceAsync(TimeSpan.FromMinutes(30));

        var kpis = (await MetricsAsync("north-1")).GetProperty("kpis");
        var drill = await DrillAsync("north-1", "backlogAge");

        AssertKpi(kpis, "backlogAge", 1800, 1800, 1);
        Assert.Equal(c.Str("id"), drill.GetProperty("cases")[0].Str("caseId"));
    }

    [Fact]
    public async Task Csv_TeamTeamsAndDrill_AreTextCsv()
    {
        await ResolvedCaseAsync("cust-00005", TimeSpan.FromMinutes(1));

        foreach (var url in new[] { "/api/metrics/teams/north-1", "/api/metrics/teams", "/api/metrics/teams/north-1/cases?kpi=firstContactResolution" })
        {
            var response = await App.Client.GetAsync($"{url}{(url.Contains('?') ? '&' : '?')}format=csv&from={Today}&to={Today}");

            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("kpi", lines[0]);
            Assert.True(lines.Length > 1, url);

            // Every export is kept as a blob; Content-Location gives it back byte for byte.
            var stored = response.Content.Headers.ContentLocation?.ToString() ?? response.Headers.GetValues("Content-Location").Single();
            Assert.StartsWith("/api/exports/", stored, StringComparison.Ordinal);
            var again = await App.Client.GetAsync(stored);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(await response.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("2026/11/24/nothing-here.csv", HttpStatusCode.NotFound)]
    [InlineData("2026/11/24/a%20b;c.csv", HttpStatusCode.BadRequest)]
    public async Task Export_UnknownOrBadName_Is4xx(string name, HttpStatusCode expected)
    {
        var response = await App.Client.GetAsync("/api/exports/" + name);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TeamMetrics_UnknownTeam_Is404()
    {
        var response = await App.Client.GetAsync("/api/metrics/teams/south-9");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string> BadReads => new()
    {
        "/api/metrics/teams/north-1?from=2026-13-01",
        "/api/metrics/teams/north-1?from=2026-11-24&to=2026-11-01",
        "/api/metrics/teams/north-1?to=yesterday",
        "/api/metrics/teams/north-1?format=xml",
        "/api/metrics/teams?from=2020-01-01&to=2026-11-24",
        "/api/metrics/teams/north-1/cases?kpi=happiness",
        "/api/metrics/teams/north-1/cases?kpi=employeeNps",
        "/api/metrics/teams/north-1/cases",
        "/api/teams/north-1/complaints?day=24-11-2026",
    };

    [Theory]
    [MemberData(nameof(BadReads))]
    public async Task Metrics_BadQuery_Is400ProblemDetails(string url)
    {
        var response = await App.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string, int> BadFeedback => new()
    {
        { "/api/surveys/csat", "{\"caseId\":\"x\",\"score\":6}", 400 },
        { "/api/surveys/csat", "{\"caseId\":\"x\"}", 400 },
        { "/api/surveys/csat", "{\"caseId\":\"cust-00005~00000000000000000000000000000000\",\"score\":4}", 404 },
        { "/api/surveys/nps", "{\"customerId\":\"cust-00005\",\"score\":11}", 400 },
        { "/api/surveys/nps", "{\"customerId\":\"cust-00005\",\"score\":\"ten\"}", 400 },
        { "/api/surveys/nps", "{\"customerId\":\"cust-99999\",\"score\":5}", 404 },
        { "/api/surveys/nps", "{\"customerId\":\"cust-00160\",\"score\":5}", 422 },
        { "/api/surveys/pulse", "{\"teamId\":\"north-1\",\"score\":-1}", 400 },
        { "/api/surveys/pulse", "{\"teamId\":\"south-9\",\"score\":5}", 403 },
        { "/api/complaints", "{\"customerId\":\"cust-00005\",\"topic\":\"billing\"}", 400 },
        { "/api/complaints", "{\"customerId\":\"cust-00005\",\"text\":\"x\",\"topic\":\"" + new string('x', 201) + "\"}", 400 },
        { "/api/complaints", "[1]", 400 },
    };

    [Theory]
    [MemberData(nameof(BadFeedback))]
    public async Task Feedback_BadInput_ProblemDetailsAndNothingWritten(string url, string body, int status)
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, url, body, ("Idempotency-Key", "bad-feedback"), ("Authorization", "Bearer " + TestTokens.For(url.EndsWith("pulse", StringComparison.Ordinal) ? "north-1-a01" : "test-operator", url.EndsWith("pulse", StringComparison.Ordinal) ? ["Agent"] : TestTokens.Operator)));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Feedback_WithoutIdempotencyKey_Is400AndNothingWritten()
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, "/api/surveys/pulse", "{\"teamId\":\"north-1\",\"score\":7}", ("Authorization", "Bearer " + TestTokens.For("north-1-a01", "Agent")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, App.Fingerprint());
    }

    private async Task<string> ResolvedCaseAsync(string customerId, TimeSpan handling)
    {
        var c = await App.IntakeAsync(customerId);
        await App.SettleAsync();
        var agent = (await App.CaseAsync(c.Str("id"))).Case.Str("offeredTo");
        Assert.Equal(HttpStatusCode.OK, (await App.ActAsync(c.Str("id"), "accept", new { agentId = agent })).StatusCode);
        App.Time.Advance(handling);
        Assert.Equal(HttpStatusCode.OK, (await App.ActAsync(c.Str("id"), "resolve", new { agentId = agent, resolution = "explained" })).StatusCode);
        await App.SettleAsync();
        return c.Str("id");
    }

    private async Task<JsonElement> MetricsAsync(string teamId, string from = Today, string to = Today)
    {
        var response = await App.Client.GetAsync($"/api/metrics/teams/{teamId}?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestApp.Json(response);
    }

    private async Task<JsonElement> DrillAsync(string teamId, string kpi)
    {
        var response = await App.Client.GetAsync($"/api/metrics/teams/{teamId}/cases?kpi={kpi}&from={Today}&to={Today}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestApp.Json(response);
    }

    private static void AssertKpi(JsonElement kpis, string name, double value, double numerator, double denominator)
    {
        var k = kpis.GetProperty(name);
        Assert.Equal(value, k.GetProperty("value").GetDouble(), 3);
        Assert.Equal(numerator, k.GetProperty("numerator").GetDouble(), 3);
        Assert.Equal(denominator, k.GetProperty("denominator").GetDouble(), 3);
    }
}
