using System.Net;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// Routing capacity from the published schedule: on a phone or chat shift now = offerable; back office and
/// off shift are not; manual unavailability overrides until the shift ends; teams without one keep manual availability.
/// </summary>
public sealed class ScheduleRoutingTests : IDisposable
{
    // T0 is Tuesday 2026-11-24 09:00 UTC; cust-00005 is owned by north-1 and a standard customer.
    private const string Period = "/api/teams/north-1/schedule/periods/2026-11-23";
    private readonly TestApp _app = new(("Routing:SpillAfterStandard", "12:00:00"));

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task PublishAsync(params (string Agent, string Template)[] todays)
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.PostAsync("/api/teams/north-1/schedule/periods", SchedulingTests.OpenBody())).StatusCode);
        foreach (var (agent, template) in todays)
        {
            var claimed = await _app.PostAsync($"{Period}/shifts", new { agentId = agent, date = "2026-11-24", templateId = template }, "*");
            Assert.Equal(HttpStatusCode.Created, claimed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await _app.PostAsync($"{Period}/publish", new { }, "*")).StatusCode);
    }

    [Fact]
    public async Task Intake_PublishedSchedule_OffersOnlyTheAgentOnAPhoneShiftNow()
    {
        await PublishAsync(("north-1-a07", "early"), ("north-1-a08", "late"));

        var c = await _app.IntakeAsync("cust-00005");

        Assert.Equal("offered", c.Str("status"));
        Assert.Equal("north-1-a07", c.Str("offeredTo"));
    }

    [Fact]
    public async Task Intake_OnlyBackOfficeOnShift_QueuedNotOffered()
    {
        await PublishAsync(("north-1-a07", "office"));

        var c = await _app.IntakeAsync("cust-00005");

        Assert.Equal("queued", c.Str("status"));
    }

    [Fact]
    public async Task Intake_OnShiftAgentLoggedOffEarly_QueuedAndTeamShowsUnavailable()
    {
        await PublishAsync(("north-1-a07", "early"));
        var off = await _app.PutAsync("/api/teams/north-1/agents/north-1-a07/availability", new { available = false });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False((await TestApp.Json(off)).GetProperty("available").GetBoolean());

        var c = await _app.IntakeAsync("cust-00005");

        Assert.Equal("queued", c.Str("status"));
        var team = await TestApp.Json(await _app.Client.GetAsync("/api/teams/north-1"));
        Assert.Equal(0, team.GetProperty("activeAgents").GetInt32());
    }

    [Fact]
    public async Task Intake_OverrideClearedWithAvailableTrue_OfferedAgain()
    {
        await PublishAsync(("north-1-a07", "early"));
        await _app.PutAsync("/api/teams/north-1/agents/north-1-a07/availability", new { available = false });
        await _app.PutAsync("/api/teams/north-1/agents/north-1-a07/availability", new { available = true });

        var c = await _app.IntakeAsync("cust-00005");

        Assert.Equal("north-1-a07", c.StrOrNull("offeredTo"));
    }

    [Fact]
    public async Task QueuedCase_ShiftStarts_OfferedToTheAgentOfTheStartingShift()
    {
        await PublishAsync(("north-1-a08", "late"));
        var c = await _app.IntakeAsync("cust-00005");
        Assert.Equal("queued", c.Str("status"));

        await _app.AdvanceAsync(TimeSpan.FromHours(5));

        var (now, _) = await _app.CaseAsync(c.Str("id"));
        Assert.Equal("offered", now.Str("status"));
        Assert.Equal("north-1-a08", now.Str("offeredTo"));
    }

    [Fact]
    public async Task Intake_ShiftEnded_NoLongerOffered()
    {
        await PublishAsync(("north-1-a07", "early"));

        await _app.AdvanceAsync(TimeSpan.FromHours(6.5));
        var c = await _app.IntakeAsync("cust-00005");

        Assert.Equal("queued", c.Str("status"));
    }

    [Fact]
    public async Task Intake_OpenButUnpublishedSchedule_ManualAvailabilityStillRules()
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.PostAsync("/api/teams/north-1/schedule/periods", SchedulingTests.OpenBody())).StatusCode);

        var c = await _app.IntakeAsync("cust-00005");

        Assert.Equal("offered", c.Str("status"));
    }
}
