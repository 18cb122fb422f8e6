using System.Net;
using System.Text.Json;

namespace Agile.CustomerService.Api.Tests;

/// <summary>An admin defines a pilot; the comparison shows each KPI against the baseline with a 95% interval.</summary>
public class PilotApiTests : AppTests
{
    private static readonly string[] NorthOne = ["north-1"];
    private static readonly string[] NorthTwo = ["north-2"];
    private static readonly string[] NorthOneAndThree = ["north-1", "north-3"];
    public PilotApiTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosPilotApiTests"/>).</param>
    protected PilotApiTests(TestApp app)
        : base(app)
    {
    }

    [Fact]
    public async Task Comparison_ControlTeams_NpsDifferenceWithIntervalAndReportedEffect()
    {
        await DefineAsync(new { pilotId = "north-pilot", regionId = "north", teamIds = NorthOne, startDate = "2026-11-20", baseline = new { kind = "controlTeams", teamIds = NorthTwo }, by = "admin-1" });
        await NpsAsync("cust-00005", 10, 10, 10, 10, 10, 10, 10, 10, 3, 3);
        await NpsAsync("cust-00006", 10, 10, 10, 10, 3, 3, 3, 3, 8, 8);

        var report = await TestApp.Json(await App.Client.GetAsync("/api/pilots/north-pilot/comparison?to=2026-11-24"));

        var nps = Kpi(report, "nps");
        Assert.Equal(60, nps.GetProperty("difference").GetDouble(), 6);
        Assert.True(nps.GetProperty("ci95").GetProperty("low").GetDouble() < 60);
        Assert.True(nps.GetProperty("ci95").GetProperty("high").GetDouble() > 60);
        Assert.Equal("NPS +10 to +30 points", nps.GetProperty("expected").Str("reported"));
        Assert.Equal(PilotMethodMeans, nps.Str("method"));
        Assert.Equal(["north-2"], report.GetProperty("baselineTeams").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2026-11-20", report.Str("baselineFrom"));
    }

    [Fact]
    public async Task Comparison_PrePilot_ComparesTheSameTeamsBeforeTheStart()
    {
        await DefineAsync(new { pilotId = "p2", regionId = "north", teamIds = NorthOneAndThree, startDate = "2026-11-20", baseline = new { kind = "prePilot" }, by = "admin-1" });

        var report = await TestApp.Json(await App.Client.GetAsync("/api/pilots/p2/comparison?to=2026-11-24"));

        Assert.Equal("2026-11-15", report.Str("baselineFrom"));
        Assert.Equal("2026-11-19", report.Str("baselineTo"));
        Assert.Equal("not enough data", Kpi(report, "repeatContactRate").Str("verdict"));
    }

    [Fact]
    public async Task Comparison_Csv_HasOneRowPerKpi()
    {
        await DefineAsync(new { pilotId = "p3", regionId = "north", teamIds = NorthOne, startDate = "2026-11-20", baseline = new { kind = "prePilot", days = 28 }, by = "admin-1" });

        var response = await App.Client.GetAsync("/api/pilots/p3/comparison?to=2026-11-24&format=csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(17, (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Define_SameIdTwiceWithAnotherKey_Is409()
    {
        var body = new { pilotId = "p4", regionId = "north", teamIds = NorthOne, startDate = "2026-11-20", baseline = new { kind = "prePilot" }, by = "admin-1" };
        await DefineAsync(body);

        var again = await App.PostAsync("/api/pilots", body);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Comparison_UnknownPilot_Is404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await App.Client.GetAsync("/api/pilots/nope/comparison")).StatusCode);
    }

    public static TheoryData<string, int> BadPilots => new()
    {
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"prePilot\"},\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"20.11.2026\",\"baseline\":{\"kind\":\"prePilot\"},\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"controlTeams\"},\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"controlTeams\",\"teamIds\":[\"north-1\"]},\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"guess\"},\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"prePilot\",\"days\":0},\"by\":\"admin-1\"}", 400 },
        { "{\"pilotId\":\"p\",\"regionId\":\"south\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"prePilot\"},\"by\":\"admin-1\"}", 422 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-9\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"prePilot\"},\"by\":\"admin-1\"}", 422 },
        { "{\"pilotId\":\"p\",\"regionId\":\"north\",\"teamIds\":[\"north-1\"],\"startDate\":\"2026-11-20\",\"baseline\":{\"kind\":\"controlTeams\",\"teamIds\":[\"south-1\"]},\"by\":\"admin-1\"}", 422 },
    };

    [Theory]
    [MemberData(nameof(BadPilots))]
    public async Task Define_BadInput_ProblemDetailsAndNothingWritten(string body, int status)
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, "/api/pilots", body, ("Idempotency-Key", "bad-pilot"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, App.Fingerprint());
    }

    [Theory]
    [InlineData("/api/pilots/p5/comparison?to=2026-11-01")]
    [InlineData("/api/pilots/p5/comparison?to=tomorrow")]
    [InlineData("/api/pilots/p5/comparison?format=pdf")]
    public async Task Comparison_BadQuery_Is400(string url)
    {
        await DefineAsync(new { pilotId = "p5", regionId = "north", teamIds = NorthOne, startDate = "2026-11-20", baseline = new { kind = "prePilot" }, by = "admin-1" });

        Assert.Equal(HttpStatusCode.BadRequest, (await App.Client.GetAsync(url)).StatusCode);
    }

    private const string PilotMethodMeans = "Welch t interval for a difference of means (unequal variances, Welch-Satterthwaite df)";

    private async Task DefineAsync(object body)
    {
        var response = await App.PostAsync("/api/pilots", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task NpsAsync(string customerId, params int[] scores)
    {
        foreach (var score in scores)
        {
            Assert.Equal(HttpStatusCode.Created, (await App.PostAsync("/api/surveys/nps", new { customerId, score })).StatusCode);
        }
    }

    private static JsonElement Kpi(JsonElement report, string name) =>
        report.GetProperty("kpis").EnumerateArray().Single(k => k.Str("kpi") == name);
}
