using System.Text.Json;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Scheduling;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Routing;
using Agile.CustomerService.Scheduling;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Integrations.Graph.Tests;

/// <summary>
/// A published period and Teams Shifts kept in step, end to end: the real SQLite store, the application services,
/// the Graph SDK adapter and the local fake of Graph.
/// </summary>
public sealed class TeamsShiftsSyncTests : IAsyncLifetime
{
    private const string Team = "north-1";
    private const string PeriodId = "2026-11-23";
    private static readonly ShiftsLink Link = new(FakeGraph.TeamId, FakeGraph.ActAs, FakeGraph.GroupId, new Dictionary<string, string> { ["ana"] = "user-ana", ["ben"] = "user-ben" });
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "acs-graph-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
    private FakeGraph _graph = null!;
    private SqliteStateStore _store = null!;
    private ScheduleService _schedules = null!;
    private TeamsShiftsSync _sync = null!;
    private int _keys;

    public async ValueTask InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        Directory.CreateDirectory(_directory);
        _store = new SqliteStateStore(Path.Combine(_directory, "test.db"), _time);
        var cases = new CaseService(_store, _time, RoutingPolicy.Default, NoChangeNotifier.Instance);
        _schedules = new ScheduleService(_store, _time, cases);
        _sync = new TeamsShiftsSync(_store, _schedules, [new GraphTeamsShifts(GraphTeamsShifts.CreateClient(new TestCredential(), _graph.BaseUrl))]);
        var dispatch = TeamDispatch.For(new Team(Team, "North 1", "north", "retail")) with
        {
            Agents = [Slot("ana"), Slot("ben")],
        };
        await _store.CommitAsync(Partitions.Team(Team), CancellationToken.None, TeamState.PutDispatch(dispatch, null));
        var early = new ShiftTemplate("early", new TimeOnly(7, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);
        var late = new ShiftTemplate("late", new TimeOnly(14, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);
        var start = new DateOnly(2026, 11, 23);
        var needs = Enumerable.Range(0, 14).Select(d => new CoverageNeed(ShiftActivity.Phone, start.AddDays(d), new TimeOnly(8, 0), new TimeOnly(12, 0), 1)).ToArray();
        var open = new OpenPeriodRequest(start, 2, "UTC", LabourRules.Default, [early, late], needs, [], []);
        Assert.IsType<Success>(await _schedules.OpenAsync(Team, open, Key(), "open", CancellationToken.None));
        Assert.IsType<Success>(await _sync.PutLinkAsync(Team, Link, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await _graph.DisposeAsync();
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static AgentSlot Slot(string id) => new(id, id, AgentLevel.Proficient, ["billing"], 3, true, []);

    private string Key() => $"k{Interlocked.Increment(ref _keys)}";

    private async Task<Guid> ClaimAsync(string agentId, string date, string template = "early")
    {
        var outcome = Assert.IsType<Success>(await _schedules.ClaimNewShiftAsync(Team, PeriodId, agentId, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), template, "*", Key(), date, CancellationToken.None));
        return JsonDocument.Parse(outcome.BodyJson).RootElement.GetProperty("subject").GetProperty("id").GetGuid();
    }

    private async Task PublishAsync() => Assert.IsType<Success>(await _schedules.PublishAsync(Team, PeriodId, "*", Key(), CancellationToken.None));

    private async Task<SyncReport> SyncAsync()
    {
        var outcome = await _sync.SyncAsync(Team, PeriodId, CancellationToken.None);
        return Json.Read<SyncReport>(Assert.IsType<Success>(outcome).BodyJson);
    }

    private async Task<SchedulePeriodDocument> PeriodAsync() => (await _schedules.GetAsync(Team, PeriodId, CancellationToken.None))!.Value;

    [Fact]
    public async Task Sync_PublishedPeriod_CreatesShiftsAndOpenShiftsAndShares()
    {
        await ClaimAsync("ana", "2026-11-25");
        Assert.IsType<Success>(await _schedules.OpenShiftsForGapsAsync(Team, PeriodId, "*", Key(), CancellationToken.None));
        await PublishAsync();

        var report = await SyncAsync();

        var shift = Assert.Single(_graph.Shifts.Values);
        Assert.Equal("user-ana", shift["userId"]!.GetValue<string>());
        Assert.Equal("2026-11-25T07:00:00+00:00", shift["sharedShift"]!["startDateTime"]!.GetValue<string>());
        Assert.Equal(13, _graph.OpenShifts.Count);
        Assert.Equal(14, report.Created);
        var share = Assert.Single(_graph.To("POST", "/schedule/share$"));
        Assert.Equal("2026-11-23T00:00:00+00:00", share.Body!["startDateTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sync_Twice_SecondCreatesNothing()
    {
        await ClaimAsync("ana", "2026-11-25");
        await PublishAsync();
        await SyncAsync();

        var again = await SyncAsync();

        Assert.Equal((0, 0, 0), (again.Created, again.Updated, again.Deleted));
        Assert.Single(_graph.To("POST", "/schedule/shifts$"));
    }

    [Fact]
    public async Task Sync_NotPublished_ConflictAndNothingSent()
    {
        await ClaimAsync("ana", "2026-11-25");

        var outcome = await _sync.SyncAsync(Team, PeriodId, CancellationToken.None);

        Assert.Equal(409, Assert.IsType<Problem>(outcome).Status);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Sync_AfterSwapHere_ReplacesTheShiftForTheNewAgent()
    {
        var shiftId = await ClaimAsync("ana", "2026-11-25");
        await PublishAsync();
        await SyncAsync();
        var swap = Assert.IsType<Success>(await _schedules.RequestSwapAsync(Team, PeriodId, "ana", shiftId, "ben", null, "*", Key(), "swap", CancellationToken.None));
        var swapId = JsonDocument.Parse(swap.BodyJson).RootElement.GetProperty("subject").GetProperty("swapId").GetGuid();
        Assert.IsType<Success>(await _schedules.AnswerSwapAsync(Team, PeriodId, swapId, "ben", accept: true, "*", Key(), "accept", CancellationToken.None));

        var report = await SyncAsync();

        Assert.Equal(1, report.Updated);
        Assert.Single(_graph.To("PUT", "/schedule/shifts/SHFT_"));
        Assert.Equal("user-ben", Assert.Single(_graph.Shifts.Values)["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sync_AfterRelease_DeletesTheShiftAndCreatesAnOpenShift()
    {
        var shiftId = await ClaimAsync("ana", "2026-11-25");
        await PublishAsync();
        await SyncAsync();
        Assert.IsType<Success>(await _schedules.ReleaseShiftAsync(Team, PeriodId, shiftId, "ana", "*", Key(), "release", CancellationToken.None));

        await SyncAsync();

        Assert.Empty(_graph.Shifts);
        Assert.Single(_graph.OpenShifts);
    }

    [Fact]
    public async Task Sync_TimeOffAskedInTeamsCoverageHolds_ApprovedHereAndInTeams()
    {
        await PublishAsync();
        _graph.TimeOffRequests["TOR_1"] = FakeGraph.TimeOffRequest(
            "TOR_1", "user-ben", new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "family visit");

        var report = await SyncAsync();

        Assert.Equal((1, 1), (report.Imported, report.Answered));
        var request = Assert.Single((await PeriodAsync()).TimeOffRequests);
        Assert.Equal((RequestStatus.Approved, "TOR_1", "ben"), (request.Status, request.ExternalId, request.AgentId));
        Assert.Equal("approved", _graph.TimeOffRequests["TOR_1"]["state"]!.GetValue<string>());
        Assert.StartsWith("Approved automatically", _graph.TimeOffRequests["TOR_1"]["managerActionMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_TimeOffBreakingCoverage_WaitsForTheTeamThenDeclinedInTeamsWithTheReason()
    {
        await ClaimAsync("ana", "2026-11-25");
        await PublishAsync();
        _graph.TimeOffRequests["TOR_2"] = FakeGraph.TimeOffRequest(
            "TOR_2", "user-ana", new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), "sick child");

        var first = await SyncAsync();

        Assert.Equal((1, 0), (first.Imported, first.Answered));
        Assert.Equal("pending", _graph.TimeOffRequests["TOR_2"]["state"]!.GetValue<string>());
        var request = Assert.Single((await PeriodAsync()).TimeOffRequests);
        Assert.Equal(RequestStatus.AwaitingTeam, request.Status);
        Assert.IsType<Success>(await _schedules.DecideTimeOffAsync(Team, PeriodId, request.RequestId, "north-1-lead", approve: false, "*", Key(), "decline", CancellationToken.None));

        var second = await SyncAsync();

        Assert.Equal((0, 1), (second.Imported, second.Answered));
        Assert.Equal("declined", _graph.TimeOffRequests["TOR_2"]["state"]!.GetValue<string>());
        Assert.Contains("by north-1-lead", _graph.TimeOffRequests["TOR_2"]["managerActionMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(_graph.To("POST", "/timeOffRequests/TOR_2/decline$"));
    }

    [Fact]
    public async Task Sync_SwapAcceptedInTeams_ApprovedHereAndInTeams()
    {
        await ClaimAsync("ana", "2026-11-25");
        await PublishAsync();
        await SyncAsync();
        var graphShiftId = Assert.Single(_graph.Shifts.Keys);
        _graph.SwapRequests["SREQ_1"] = FakeGraph.SwapRequest("SREQ_1", "user-ana", graphShiftId, "user-ben", graphShiftId, "manager");
        _graph.SwapRequests["SREQ_1"].Remove("recipientShiftId");

        var report = await SyncAsync();

        Assert.Equal((1, 1), (report.Imported, report.Answered));
        Assert.Equal("ben", Assert.Single((await PeriodAsync()).Schedule.Shifts).AgentId);
        Assert.Equal("approved", _graph.SwapRequests["SREQ_1"]["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sync_RequestFromUnknownUser_ReportedNotImported()
    {
        await PublishAsync();
        _graph.TimeOffRequests["TOR_3"] = FakeGraph.TimeOffRequest(
            "TOR_3", "user-stranger", new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "?");

        var report = await SyncAsync();

        Assert.Equal(0, report.Imported);
        Assert.Contains(report.Problems, p => p.Contains("user-stranger", StringComparison.Ordinal));
    }
}
