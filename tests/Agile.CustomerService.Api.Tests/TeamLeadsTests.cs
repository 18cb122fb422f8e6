using System.Net;

namespace Agile.CustomerService.Api.Tests;

/// <summary>A team's leads: who decides the team's requests from Microsoft Teams (docs/teams.md).</summary>
public class TeamLeadsTests : AppTests
{
    public TeamLeadsTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosTeamLeadsTests"/>).</param>
    protected TeamLeadsTests(TestApp app)
        : base(app)
    {
    }

    [Fact]
    public async Task DemoTeams_AreLedByTheirTenthAgent()
    {
        var leads = await TestApp.Json(await App.Client.GetAsync("/api/teams/north-3/leads"));

        Assert.Equal(["north-3-a10"], leads.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Put_ReplacesTheListAndRecordsWhoSetIt()
    {
        var put = await App.SendRawAsync(HttpMethod.Put, "/api/teams/north-1/leads", """{"agentIds":["north-1-a08","north-1-a02","north-1-a08"]}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var leads = await TestApp.Json(await App.Client.GetAsync("/api/teams/north-1/leads"));

        Assert.Equal(["north-1-a02", "north-1-a08"], leads.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()));
        Assert.StartsWith("user ", leads.GetProperty("setBy").GetString(), StringComparison.Ordinal);
    }
}
