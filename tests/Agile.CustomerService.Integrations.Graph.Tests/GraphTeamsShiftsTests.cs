using System.Diagnostics;
using Agile.CustomerService.Application.Scheduling;

namespace Agile.CustomerService.Integrations.Graph.Tests;

/// <summary>The Graph adapter against the local fake: paths, headers, bodies, paging, errors and throttling.</summary>
public sealed class GraphTeamsShiftsTests : IAsyncLifetime
{
    private static readonly ShiftsLink Link = new(FakeGraph.TeamId, FakeGraph.ActAs, FakeGraph.GroupId, new Dictionary<string, string> { ["ana"] = "user-ana", ["ben"] = "user-ben" });
    private static readonly ExternalShift Early = new("user-ana", new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), "Phone early", "agile-cs north-1");
    private FakeGraph _graph = null!;
    private GraphTeamsShifts _shifts = null!;

    public async ValueTask InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _shifts = new GraphTeamsShifts(GraphTeamsShifts.CreateClient(new TestCredential(), _graph.BaseUrl));
    }

    public async ValueTask DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task CreateShift_SendsBearerActsAsAndSharedShift_ReturnsTheGraphId()
    {
        var id = await _shifts.CreateShiftAsync(Link, Early, CancellationToken.None);

        var sent = Assert.Single(_graph.To("POST", "/schedule/shifts$"));
        Assert.Equal($"/v1.0/teams/{FakeGraph.TeamId}/schedule/shifts", sent.Path);
        Assert.Equal($"Bearer {FakeGraph.Token}", sent.Authorization);
        Assert.Equal(FakeGraph.ActAs, sent.ActsAs);
        Assert.Equal("user-ana", sent.Body!["userId"]!.GetValue<string>());
        Assert.Equal(FakeGraph.GroupId, sent.Body["schedulingGroupId"]!.GetValue<string>());
        Assert.Equal("2026-11-25T07:00:00+00:00", sent.Body["sharedShift"]!["startDateTime"]!.GetValue<string>());
        Assert.Equal("Phone early", sent.Body["sharedShift"]!["displayName"]!.GetValue<string>());
        Assert.True(_graph.Shifts.ContainsKey(id));
    }

    [Fact]
    public async Task ReplaceShift_Known_PutsToTheShiftsPath()
    {
        var id = await _shifts.CreateShiftAsync(Link, Early, CancellationToken.None);

        await _shifts.ReplaceShiftAsync(Link, id, Early with { UserId = "user-ben" }, CancellationToken.None);

        Assert.Single(_graph.To("PUT", $"/schedule/shifts/{id}$"));
        Assert.Equal("user-ben", _graph.Shifts[id]["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteShift_AlreadyGoneInTeams_Succeeds()
    {
        await _shifts.DeleteShiftAsync(Link, "SHFT_gone", CancellationToken.None);

        Assert.Single(_graph.To("DELETE", "/schedule/shifts/SHFT_gone$"));
    }

    [Fact]
    public async Task CreateOpenShift_SendsSchedulingGroupAndOneSlot()
    {
        var id = await _shifts.CreateOpenShiftAsync(Link, Early with { UserId = null }, CancellationToken.None);

        var sent = Assert.Single(_graph.To("POST", "/schedule/openShifts$"));
        Assert.Equal(1, sent.Body!["sharedOpenShift"]!["openSlotCount"]!.GetValue<int>());
        Assert.True(_graph.OpenShifts.ContainsKey(id));
    }

    [Fact]
    public async Task Share_Period_PostsNotifyTeamAndRange()
    {
        await _shifts.ShareAsync(Link, Early.Start, Early.End, CancellationToken.None);

        var sent = Assert.Single(_graph.To("POST", "/schedule/share$"));
        Assert.True(sent.Body!["notifyTeam"]!.GetValue<bool>());
        Assert.Equal("2026-11-25T15:00:00+00:00", sent.Body["endDateTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task PendingRequests_MoreThanOnePage_ReadsEveryPageAndOnlyPending()
    {
        _graph.PageSize = 2;
        for (var i = 1; i <= 5; i++)
        {
            _graph.TimeOffRequests[$"TOR_{i}"] = FakeGraph.TimeOffRequest($"TOR_{i}", "user-ana", Early.Start, Early.End, "dentist");
        }

        _graph.TimeOffRequests["TOR_5"]["state"] = "approved";
        _graph.SwapRequests["SREQ_1"] = FakeGraph.SwapRequest("SREQ_1", "user-ana", "SHFT_a", "user-ben", "SHFT_b", "manager");

        var pending = await _shifts.PendingRequestsAsync(Link, CancellationToken.None);

        Assert.Equal(["TOR_1", "TOR_2", "TOR_3", "TOR_4"], pending.Where(p => p.Kind == ExternalRequestKind.TimeOff).Select(p => p.Id));
        var swap = Assert.Single(pending, p => p.Kind == ExternalRequestKind.Swap);
        Assert.True(swap.RecipientAccepted);
        Assert.Equal(("SHFT_a", "SHFT_b"), (swap.SenderShiftId, swap.RecipientShiftId));
        Assert.Equal(2, _graph.To("GET", "/schedule/timeOffRequests$").Count);
        Assert.All(_graph.Requests, r => Assert.Equal(FakeGraph.ActAs, r.ActsAs));
    }

    [Fact]
    public async Task Answer_ApproveTimeOff_PostsTheMessageToApprove()
    {
        _graph.TimeOffRequests["TOR_1"] = FakeGraph.TimeOffRequest("TOR_1", "user-ana", Early.Start, Early.End, "dentist");

        await _shifts.AnswerAsync(Link, ExternalRequestKind.TimeOff, "TOR_1", approve: true, "Approved automatically", CancellationToken.None);

        var sent = Assert.Single(_graph.To("POST", "/schedule/timeOffRequests/TOR_1/approve$"));
        Assert.Equal("Approved automatically", sent.Body!["message"]!.GetValue<string>());
        Assert.Equal($"Bearer {FakeGraph.Token}", sent.Authorization);
        Assert.Equal("approved", _graph.TimeOffRequests["TOR_1"]["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Answer_DeclineSwap_PostsToDecline()
    {
        _graph.SwapRequests["SREQ_1"] = FakeGraph.SwapRequest("SREQ_1", "user-ana", "SHFT_a", "user-ben", "SHFT_b", "manager");

        await _shifts.AnswerAsync(Link, ExternalRequestKind.Swap, "SREQ_1", approve: false, "rest between shifts 9 h < 11 h", CancellationToken.None);

        Assert.Equal("declined", _graph.SwapRequests["SREQ_1"]["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateShift_Throttled_WaitsRetryAfterThenSucceeds()
    {
        _graph.ThrottleNext("/schedule/shifts$", retryAfterSeconds: 2);
        var watch = Stopwatch.StartNew();

        var id = await _shifts.CreateShiftAsync(Link, Early, CancellationToken.None);

        var attempts = _graph.To("POST", "/schedule/shifts$");
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {attempts[1].At - attempts[0].At}");
        Assert.True(_graph.Shifts.ContainsKey(id));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CreateShift_InvalidBody_ThrowsGraphsError()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() =>
            _shifts.CreateShiftAsync(Link, Early with { End = Early.Start.AddHours(30) }, CancellationToken.None));

        Assert.Equal(400, error.ResponseStatusCode);
        Assert.Contains("1 minute to 24 hours", error.Error!.Message, StringComparison.Ordinal);
    }
}
