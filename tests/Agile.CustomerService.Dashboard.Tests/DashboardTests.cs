using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Agile.CustomerService.Dashboard.Tests;

/// <summary>
/// The coach dashboard in headless Chromium against the real app: what a coach sees, clicks and
/// downloads. Screenshots are written to artifacts/dashboard/ and inspected (size, chart elements).
/// </summary>
public sealed class DashboardTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private const string Range = $"from={DashboardApp.From}&to={DashboardApp.To}";
    private static readonly string[] PilotTeams = ["north-1", "north-2"];

    [Fact]
    public async Task Overview_TeamsSideBySide_ABarPerTeamWithAxesLegendAndTable()
    {
        var page = await app.NewPageAsync();
        var all = (await app.GetJsonAsync($"/api/metrics/teams?{Range}")).GetProperty("teams").EnumerateArray().ToList();
        var teams = all.Select(t => t.GetProperty("teamId").GetString()!).ToList();
        var withData = all.Count(t => t.GetProperty("kpis").GetProperty("averageHandleTime").GetProperty("value").ValueKind == JsonValueKind.Number);

        await app.OpenAsync(page, $"/?{Range}&kpi=averageHandleTime");

        var bars = await page.Locator("#teams-chart rect.bar").AllAsync();
        Assert.Equal(withData, bars.Count);
        foreach (var bar in bars)
        {
            var box = await bar.BoundingBoxAsync();
            Assert.True(box is { Width: > 0, Height: > 0 }, "every bar is drawn with a size");
        }

        Assert.Equal(teams, await page.Locator("#teams-chart .x-axis text").AllTextContentsAsync());
        Assert.True(await page.Locator("#teams-chart .y-axis text").CountAsync() >= 3, "the value axis has tick labels");
        Assert.Equal("minutes", await page.Locator("#teams-chart .axis-label").First.TextContentAsync());
        Assert.Contains("Average handle time", await page.Locator("#teams-chart .legend").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(teams, (await page.Locator("#teams-table thead th a").AllTextContentsAsync()).ToList());
        await AssertScreenshotAsync(page, "overview", "#teams-chart svg");
    }

    [Fact]
    public async Task Team_TilesMatchTheApiAndTheTrendHasADotPerDayWithData()
    {
        var team = app.FlaggedTeamId;
        var metrics = await app.GetJsonAsync($"/api/metrics/teams/{team}?{Range}");
        var page = await app.NewPageAsync();

        await app.OpenAsync(page, $"/team/{team}?{Range}&kpi=averageHandleTime");

        var aht = metrics.GetProperty("kpis").GetProperty("averageHandleTime");
        var tile = page.Locator("#kpi-tiles .tile[data-kpi=averageHandleTime]");
        Assert.Equal($"{Num(aht, "numerator")} / {Num(aht, "denominator")}", await tile.Locator(".basis").TextContentAsync());
        Assert.Equal(MinutesText(aht.GetProperty("value").GetDouble()), await tile.Locator(".value").TextContentAsync());
        var daysWithData = metrics.GetProperty("series").EnumerateArray().Count(d => d.GetProperty("kpis").GetProperty("averageHandleTime").GetProperty("value").ValueKind == JsonValueKind.Number);
        Assert.True(daysWithData > 0, "the seed gives the team handled cases");
        Assert.Equal(daysWithData, await page.Locator("#trend-chart circle.dot").CountAsync());
        var path = await page.Locator("#trend-chart path.line").BoundingBoxAsync();
        Assert.True(path is { Width: > 0 } || daysWithData == 1, "the trend line has a length");
        Assert.Equal(3, metrics.GetProperty("series").GetArrayLength());
        await AssertScreenshotAsync(page, "team", "#trend-chart svg");
    }

    [Fact]
    public async Task DrillDown_FromATileNumber_ListsTheCasesBehindItAndOpensOne()
    {
        var team = app.FlaggedTeamId;
        var drill = await app.GetJsonAsync($"/api/metrics/teams/{team}/cases?kpi=firstContactResolution&{Range}");
        var page = await app.NewPageAsync();
        await app.OpenAsync(page, $"/team/{team}?{Range}");

        await page.Locator("#kpi-tiles .tile[data-kpi=firstContactResolution] a.value").ClickAsync();
        await page.WaitForSelectorAsync("#drill-table");

        var ids = await page.Locator("#drill-table tbody tr td:first-child a").AllTextContentsAsync();
        Assert.Equal(drill.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("caseId").GetString()!), ids);
        await page.Locator("#drill-table tbody tr td:first-child a").First.ClickAsync();
        await page.WaitForSelectorAsync("#case-table");
        Assert.Contains(ids[0], await page.Locator("h2").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("resolved", await page.Locator("#case-table").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillDown_FromABar_OpensThatTeamsCases()
    {
        var page = await app.NewPageAsync();
        await app.OpenAsync(page, $"/?{Range}&kpi=firstContactResolution");
        var bar = page.Locator($"#teams-chart rect.bar[data-category='{app.FlaggedTeamId}']");

        await bar.ClickAsync();
        await page.WaitForSelectorAsync("#drill-summary");

        Assert.Contains($"team {app.FlaggedTeamId}", await page.Locator("h2").TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#drill-table tbody tr").CountAsync() > 0);
    }

    [Fact]
    public async Task CsvExport_Team_DownloadsWhatTheApiExports()
    {
        var team = app.FlaggedTeamId;
        var expected = await app.Client.GetStringAsync($"/api/metrics/teams/{team}?{Range}&format=csv");
        var page = await app.NewPageAsync();
        await app.OpenAsync(page, $"/team/{team}?{Range}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());

        Assert.Equal($"metrics-{team}-{DashboardApp.From}-{DashboardApp.To}.csv", download.SuggestedFilename);
        var file = await download.PathAsync();
        Assert.Equal(expected, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.StartsWith("teamId,day,kpi,unit,value,numerator,denominator", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvExport_DrillDown_DownloadsTheCases()
    {
        var team = app.FlaggedTeamId;
        var page = await app.NewPageAsync();
        await app.OpenAsync(page, $"/drill/{team}/averageHandleTime?{Range}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());

        var lines = (await File.ReadAllLinesAsync(await download.PathAsync(), TestContext.Current.CancellationToken)).Skip(1).ToList();
        Assert.Equal(await page.Locator("#drill-table tbody tr").CountAsync(), lines.Count);
    }

    [Fact]
    public async Task Quality_FlagsAndExemptions_ShowDataAsTextNeverAsMarkup()
    {
        var page = await app.NewPageAsync();

        await app.OpenAsync(page, $"/quality/{app.FlaggedTeamId}?from={DashboardApp.From}&to=2026-11-24");

        var flags = await page.Locator("#flags-table").TextContentAsync();
        Assert.Contains("not my problem", flags, StringComparison.Ordinal);
        Assert.Contains(app.FlaggedCaseId, flags, StringComparison.Ordinal);
        Assert.Contains(DashboardApp.XssReason, await page.Locator("#exemptions-table").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "no script from data ran");
        await AssertScreenshotAsync(page, "quality", null);
    }

    [Fact]
    public async Task Quality_CoachApprovesAnExemption_ItLeavesThePendingListAndIsApproved()
    {
        var id = await app.RequestExemptionAsync(app.Cases[5], "helped a vulnerable customer set up a payment plan");
        var team = id[..id.LastIndexOf('~')];
        var page = await app.NewPageAsync();
        await app.OpenAsync(page, $"/quality/{team}?{Range}");
        var row = page.Locator($"#exemptions-table tr[data-exemption='{id}']");
        await page.Locator("#coach-id").FillAsync("coach-7");

        await row.Locator("button.approve").ClickAsync();
        await page.WaitForSelectorAsync($"tr[data-exemption='{id}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });

        var stored = await app.GetJsonAsync($"/api/exemptions/{id}");
        Assert.Equal("approved", stored.GetProperty("status").GetString());
        Assert.Equal("coach-7", stored.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Case_FromAFlag_ShowsTheTranscriptAsText()
    {
        var page = await app.NewPageAsync();
        await app.OpenAsync(page, $"/quality/{app.FlaggedTeamId}?from={DashboardApp.From}&to=2026-11-24");

        await page.Locator("#flags-table a", new PageLocatorOptions { HasText = app.FlaggedCaseId }).First.ClickAsync();
        try
        {
            await page.WaitForSelectorAsync(".transcript pre", new PageWaitForSelectorOptions { Timeout = 10_000 });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"no transcript shown; page: {page.Url}\n{await page.Locator("main").TextContentAsync()}", ex);
        }

        Assert.Contains(DashboardApp.XssText, await page.Locator(".transcript pre").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("main img").CountAsync());
    }

    [Fact]
    public async Task EveryApiCall_CarriesTheBearerTokenFromSessionStorage()
    {
        var page = await app.NewPageAsync();
        var calls = new List<(string Url, string? Authorization)>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/", StringComparison.Ordinal) && !request.Url.Contains("/api/dashboard/", StringComparison.Ordinal))
            {
                calls.Add((request.Url, request.Headers.TryGetValue("authorization", out var value) ? value : null));
            }
        };

        await app.OpenAsync(page, $"/team/{app.FlaggedTeamId}?{Range}");

        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal("Bearer " + app.CoachToken, c.Authorization));
    }

    [Fact]
    public async Task AsTeamsTab_OutsideTeams_LoadsTeamsJsAndSaysWhySignInFailedWithoutCallingTheApi()
    {
        var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var scripts = new List<(string Url, int Status)>();
        var apiCalls = new List<string>();
        page.Response += (_, response) => scripts.Add((response.Url, response.Status));
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/metrics", StringComparison.Ordinal))
            {
                apiCalls.Add(request.Url);
            }
        };

        await page.GotoAsync($"{app.BaseUrl}/dashboard?inTeams=true");
        await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { Timeout = 20_000 });

        Assert.Contains(scripts, s => s.Url.EndsWith("/api/dashboard/vendor/MicrosoftTeams.min.js", StringComparison.Ordinal) && s.Status == 200);
        Assert.True(await page.EvaluateAsync<bool>("typeof window.microsoftTeams?.authentication?.getAuthToken === 'function'"));
        Assert.Contains("Microsoft Teams did not sign you in", await page.Locator("[role=alert]").TextContentAsync(), StringComparison.Ordinal);
        Assert.Empty(apiCalls);
        Assert.EndsWith("/api/dashboard/?inTeams=true", page.Url, StringComparison.Ordinal);
        await context.CloseAsync();
    }

    [Fact]
    public void VendoredTeamsJs_IsThePinnedNpmReleaseUnchanged()
    {
        var vendor = Path.Combine(DashboardApp.RepositoryRoot(), "functions", "Agile.CustomerService.Host", "wwwroot", "dashboard", "vendor");
        var readme = File.ReadAllText(Path.Combine(vendor, "README.md"));

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(vendor, "MicrosoftTeams.min.js"))));

        Assert.Contains($"sha256 {hash}", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_ServedUnderTheApiPrefixWithAStrictContentSecurityPolicy()
    {
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };

        var redirect = await noRedirect.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        var index = await noRedirect.GetAsync("/api/dashboard/", TestContext.Current.CancellationToken);
        var script = await noRedirect.GetAsync("/api/dashboard/app.js", TestContext.Current.CancellationToken);

        Assert.Equal("/api/dashboard/", redirect.Headers.Location?.ToString());
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", index.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self' https://teams.microsoft.com", policy, StringComparison.Ordinal);
        Assert.Contains("function token()", await script.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain("http", (await index.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pilot_DefinedThroughTheApi_DrawsARowPerKpiWithDataAndListsEveryKpi()
    {
        var defined = await app.PostAsync("/api/pilots", new
        {
            pilotId = "north-pilot",
            regionId = "north",
            teamIds = PilotTeams,
            startDate = "2026-11-22",
            baseline = new { kind = "prePilot" },
            by = "admin-1",
        });
        defined.EnsureSuccessStatusCode();
        var comparison = await app.GetJsonAsync("/api/pilots/north-pilot/comparison");
        var kpis = comparison.GetProperty("kpis").EnumerateArray().ToList();
        var drawable = kpis.Count(k => k.GetProperty("difference").ValueKind == JsonValueKind.Number);
        var page = await app.NewPageAsync();

        await app.OpenAsync(page, "/pilot/north-pilot");

        Assert.True(drawable > 0, "the seed gives both periods handled cases");
        Assert.Equal(drawable, await page.Locator("#pilot-chart .interval-row").CountAsync());
        Assert.Equal(kpis.Count, await page.Locator("#pilot-table tbody tr").CountAsync());
        Assert.Contains("the same teams before the pilot", await page.Locator("main p.muted").First.TextContentAsync(), StringComparison.Ordinal);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        Assert.Equal(await app.Client.GetStringAsync("/api/pilots/north-pilot/comparison?format=csv"), await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken));
        await AssertScreenshotAsync(page, "pilot-real", "#pilot-chart svg");
    }

    [Fact]
    public async Task Pilot_NoComparisonYet_SaysSoInsteadOfFailing()
    {
        var page = await app.NewPageAsync();

        await app.OpenAsync(page, "/pilot/north");

        Assert.Contains("No comparison for pilot north", await page.Locator("#no-pilot").TextContentAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The pilot page with a comparison of known values (every reported effect, a relative one, a KPI
    /// without data, markup in a team name), handed to the browser by request routing in the shape
    /// the pilots API returns, so what is drawn can be asserted exactly.
    /// </summary>
    [Fact]
    public async Task Pilot_Comparison_DrawsEachKpisDifferenceWithItsIntervalZeroAndReportedEffect()
    {
        var page = await app.NewPageAsync();
        await page.RouteAsync("**/api/pilots/north/comparison", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """
            {"pilotId":"north","regionId":"north","pilotTeams":["north-1","north-2"],"pilotFrom":"2026-09-01","pilotTo":"2026-11-23",
             "baselineKind":"controlTeams","baselineTeams":["north-5","north-6<img src=x onerror=window.__xss=3>"],"baselineFrom":"2026-09-01","baselineTo":"2026-11-23",
             "kpis":[
              {"kpi":"nps","unit":"points","better":"higher","pilot":{"value":32,"numerator":96,"denominator":300},"baseline":{"value":18,"numerator":54,"denominator":300},"difference":14,"ci95":{"low":5.5,"high":22.5},"relativeDifference":0.78,"relativeCi95":{"low":0.3,"high":1.25},"method":"m","verdict":"better","expected":{"scale":"absolute","low":10,"high":30,"reported":"NPS +10 to +30 points"},"consistentWithExpected":true},
              {"kpi":"repeatContactRate","unit":"ratio","better":"lower","pilot":{"value":0.12,"numerator":120,"denominator":1000},"baseline":{"value":0.15,"numerator":150,"denominator":1000},"difference":-0.03,"ci95":{"low":-0.06,"high":0.0},"relativeDifference":-0.2,"relativeCi95":{"low":-0.4,"high":0.0},"method":"m","verdict":"no clear difference","expected":{"scale":"relative","low":-0.2,"high":-0.2,"reported":"repeat contacts -20%"},"consistentWithExpected":true},
              {"kpi":"complaintRate","unit":"ratio","better":"lower","pilot":{"value":0.02,"numerator":20,"denominator":1000},"baseline":{"value":0.04,"numerator":40,"denominator":1000},"difference":-0.02,"ci95":{"low":-0.035,"high":-0.005},"relativeDifference":-0.5,"relativeCi95":{"low":-0.875,"high":-0.125},"method":"m","verdict":"better","expected":{"scale":"relative","low":-0.5,"high":-0.5,"reported":"complaints -50%"},"consistentWithExpected":true},
              {"kpi":"averageHandleTime","unit":"seconds","better":"lower","pilot":{"value":410,"numerator":410000,"denominator":1000},"baseline":{"value":380,"numerator":380000,"denominator":1000},"difference":30,"ci95":{"low":-5,"high":65},"relativeDifference":0.08,"relativeCi95":{"low":-0.01,"high":0.17},"method":"m","verdict":"no clear difference","expected":null,"consistentWithExpected":null},
              {"kpi":"csat","unit":"ratio","better":"higher","pilot":{"value":null,"numerator":0,"denominator":0},"baseline":{"value":0.8,"numerator":8,"denominator":10},"difference":null,"ci95":null,"relativeDifference":null,"relativeCi95":null,"method":"m","verdict":"not enough data","expected":null,"consistentWithExpected":null}
             ]}
            """,
        }));

        await app.OpenAsync(page, "/pilot/north");

        var rows = await page.Locator("#pilot-chart .interval-row").AllAsync();
        Assert.Equal(4, rows.Count);
        foreach (var row in rows)
        {
            Assert.True(await row.Locator("circle.estimate").BoundingBoxAsync() is { Width: > 0 });
            Assert.True(await row.Locator("line.ci").BoundingBoxAsync() is { Width: > 0 });
            Assert.Equal(1, await row.Locator("line.zero").CountAsync());
        }

        Assert.Equal(3, await page.Locator("#pilot-chart rect.expected").CountAsync());
        Assert.Contains("north-6<img src=x onerror=window.__xss=3>", await page.Locator("main p.muted").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "no script from data ran");
        Assert.Contains("+14 [+5.5, +22.5]", await page.Locator("#pilot-chart .interval-row[data-kpi=NPS]").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("-50% [-88%, -13%]", await page.Locator("#pilot-chart .interval-row[data-kpi='Complaint rate (relative)']").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(5, await page.Locator("#pilot-table tbody tr").CountAsync());
        Assert.Contains("not enough data", await page.Locator("#pilot-table tr[data-kpi=csat]").TextContentAsync(), StringComparison.Ordinal);
        await AssertScreenshotAsync(page, "pilot", "#pilot-chart svg");
    }

    private static string Num(JsonElement kpi, string name) =>
        (Math.Round(kpi.GetProperty(name).GetDouble() * 100) / 100).ToString(CultureInfo.InvariantCulture);

    private static string MinutesText(double seconds)
    {
        var s = (int)Math.Round(seconds);
        return $"{s / 60}:{s % 60:D2} min";
    }

    /// <summary>Takes a full-page screenshot, checks it is a real image of the page, and that the chart has a size on it.</summary>
    private static async Task AssertScreenshotAsync(IPage page, string name, string? chartSelector)
    {
        var path = Path.Combine(DashboardApp.Screenshots, $"{name}.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

        var (width, height) = Png.Size(png);
        Assert.Equal(1280, width);
        Assert.True(height >= 400, $"{name}.png is {width}x{height}");
        Assert.True(png.Length > 10_000, $"{name}.png is only {png.Length} bytes: the page looks empty");
        if (chartSelector is not null)
        {
            var box = await page.Locator(chartSelector).BoundingBoxAsync();
            Assert.True(box is { Width: > 600, Height: > 200 }, $"{chartSelector} is {box?.Width}x{box?.Height}");
        }
    }
}
