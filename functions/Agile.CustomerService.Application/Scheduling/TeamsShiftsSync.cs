using System.Globalization;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Scheduling;

namespace Agile.CustomerService.Application.Scheduling;

/// <summary>A shift as last written to Teams: its Graph id and what it said then.</summary>
public sealed record SyncedShift(string GraphId, string Signature);

/// <summary>
/// What a period has in Teams Shifts, one document per period in the team's partition: our shift key
/// ("shift:{id}" or "open:{id}") to the Graph record, Teams request ids already imported, and those already answered.
/// Saved after every Graph call that creates or removes something, so a sync that stops halfway repeats nothing.
/// </summary>
public sealed record ShiftsSyncState(
    string PeriodId,
    IReadOnlyDictionary<string, SyncedShift> Shifts,
    IReadOnlyDictionary<string, string> Imported,
    IReadOnlyList<string> Answered)
{
    public static string DocumentId(string periodId) => $"shifts-sync:{periodId}";

    public Guid? OurShiftOf(string graphId) =>
        Shifts.FirstOrDefault(s => s.Value.GraphId == graphId).Key is { } key ? Guid.Parse(key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture) : null;
}

public sealed record SyncReport(int Created, int Updated, int Deleted, bool Shared, int Imported, int Answered, IReadOnlyList<string> Problems);

/// <summary>
/// Keeps a published period and Microsoft Teams Shifts in step: publishes shifts and open shifts and shares them,
/// imports time-off and swap requests made in Teams through the same decisions as ours, and approves or declines
/// them in Teams once decided here. Idempotent by external ids.
/// </summary>
public sealed class TeamsShiftsSync(IStateStore store, ScheduleService schedules, IEnumerable<ITeamsShifts> adapters)
{
    private const int MaxAttempts = 8;

    public async Task<Outcome> PutLinkAsync(string teamId, ShiftsLink link, CancellationToken cancellationToken)
    {
        if (await Teams.TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is null)
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        await store.CommitAsync(Partitions.Team(teamId), cancellationToken, StateStoreExtensions.Put(ShiftsLink.DocumentId, Kinds.ShiftsLink, link, PutDocument.Any));
        return new Success(200, Json.Write(link));
    }

    public async Task<Outcome> SyncAsync(string teamId, string periodId, CancellationToken cancellationToken)
    {
        if (adapters.FirstOrDefault() is not { } teams)
        {
            return new Problem(503, "Service unavailable", "Microsoft Teams Shifts is not configured: set Graph:Enabled (and Graph:BaseUrl for a local fake)");
        }

        var partition = Partitions.Team(teamId);
        if ((await store.ReadAsync<ShiftsLink>(partition, ShiftsLink.DocumentId, cancellationToken))?.Value is not { } link)
        {
            return Problem.Invalid($"team {teamId} is not linked to Teams Shifts: PUT /api/teams/{teamId}/schedule/teams-link first");
        }

        if ((await schedules.GetAsync(teamId, periodId, cancellationToken))?.Value is not { } period)
        {
            return Problem.NotFound($"period {periodId} of team {teamId} does not exist");
        }

        if (period.Status != PeriodStatus.Published)
        {
            return Problem.Conflict($"period {periodId} is not published yet; publish it first");
        }

        var problems = new List<string>();
        var state = await store.ReadAsync<ShiftsSyncState>(partition, ShiftsSyncState.DocumentId(periodId), cancellationToken);
        var sync = new Tracker(store, partition, periodId, state);
        var (created, updated, deleted) = await PublishShiftsAsync(teams, link, period, sync, problems, cancellationToken);
        var schedulePeriod = period.Schedule.Period;
        await teams.ShareAsync(link, Utc(schedulePeriod, schedulePeriod.StartsAt), Utc(schedulePeriod, schedulePeriod.EndsAt), cancellationToken);
        var imported = await ImportAsync(teams, link, period, sync, problems, cancellationToken);
        var answered = await AnswerAsync(teams, link, teamId, periodId, sync, cancellationToken);
        return new Success(200, Json.Write(new SyncReport(created, updated, deleted, true, imported, answered, problems)));
    }

    private static async Task<(int Created, int Updated, int Deleted)> PublishShiftsAsync(
        ITeamsShifts teams, ShiftsLink link, SchedulePeriodDocument period, Tracker sync, List<string> problems, CancellationToken cancellationToken)
    {
        var desired = new Dictionary<string, ExternalShift>(StringComparer.Ordinal);
        foreach (var shift in period.Schedule.Shifts)
        {
            string? user = null;
            if (shift.AgentId is { } agentId && !link.Users.TryGetValue(agentId, out user))
            {
                problems.Add($"agent {agentId} has no Teams user in the link; shift {shift.Id} was not published");
                continue;
            }

            var p = period.Schedule.Period;
            desired[(shift.AgentId is null ? "open:" : "shift:") + shift.Id] =
                new ExternalShift(user, Utc(p, shift.StartsAt), Utc(p, shift.EndsAt), $"{shift.Activity} {shift.TemplateId}".Trim(), $"agile-cs {period.TeamId}/{period.PeriodId}/{shift.Id}");
        }

        var (created, updated, deleted) = (0, 0, 0);
        foreach (var (key, record) in sync.State.Shifts.Where(s => !desired.ContainsKey(s.Key)).ToArray())
        {
            if (key.StartsWith("open:", StringComparison.Ordinal))
            {
                await teams.DeleteOpenShiftAsync(link, record.GraphId, cancellationToken);
            }
            else
            {
                await teams.DeleteShiftAsync(link, record.GraphId, cancellationToken);
            }

            await sync.SaveAsync(s => s with { Shifts = Without(s.Shifts, key) }, cancellationToken);
            deleted++;
        }

        foreach (var (key, shift) in desired)
        {
            var signature = Signature(shift);
            if (sync.State.Shifts.TryGetValue(key, out var known))
            {
                if (known.Signature == signature)
                {
                    continue;
                }

                if (key.StartsWith("open:", StringComparison.Ordinal))
                {
                    await teams.DeleteOpenShiftAsync(link, known.GraphId, cancellationToken);
                    known = new SyncedShift(await teams.CreateOpenShiftAsync(link, shift, cancellationToken), signature);
                }
                else
                {
                    await teams.ReplaceShiftAsync(link, known.GraphId, shift, cancellationToken);
                    known = known with { Signature = signature };
                }

                updated++;
            }
            else
            {
                var graphId = key.StartsWith("open:", StringComparison.Ordinal)
                    ? await teams.CreateOpenShiftAsync(link, shift, cancellationToken)
                    : await teams.CreateShiftAsync(link, shift, cancellationToken);
                known = new SyncedShift(graphId, signature);
                created++;
            }

            var record = known;
            await sync.SaveAsync(s => s with { Shifts = With(s.Shifts, key, record) }, cancellationToken);
        }

        return (created, updated, deleted);
    }

    private async Task<int> ImportAsync(
        ITeamsShifts teams, ShiftsLink link, SchedulePeriodDocument period, Tracker sync, List<string> problems, CancellationToken cancellationToken)
    {
        var imported = 0;
        var p = period.Schedule.Period;
        foreach (var request in await teams.PendingRequestsAsync(link, cancellationToken))
        {
            if (sync.State.Imported.ContainsKey(request.Id))
            {
                continue;
            }

            if (link.AgentOf(request.SenderUserId) is not { } agentId)
            {
                problems.Add($"Teams request {request.Id} comes from user {request.SenderUserId}, who is not linked to an agent");
                continue;
            }

            var key = $"graph:{request.Id}";
            Outcome outcome;
            if (request.Kind == ExternalRequestKind.TimeOff)
            {
                var from = Local(p, request.Start!.Value);
                var until = Local(p, request.End!.Value);
                if (until <= p.StartsAt || from >= p.EndsAt)
                {
                    continue; // another period's request
                }

                outcome = await schedules.RequestTimeOffAsync(period.TeamId, period.PeriodId, agentId, from, until, request.Message, PutDocument.Any, key, request.Id, cancellationToken, externalId: request.Id);
            }
            else
            {
                var mine = request.SenderShiftId is { } s ? sync.State.OurShiftOf(s) : null;
                var theirs = request.RecipientShiftId is { } r ? sync.State.OurShiftOf(r) : null;
                var peer = request.RecipientUserId is { } u ? link.AgentOf(u) : null;
                if (mine is null || peer is null)
                {
                    continue; // not a shift of this period, or a recipient we do not know
                }

                outcome = await schedules.RequestSwapAsync(period.TeamId, period.PeriodId, agentId, mine.Value, peer, theirs, PutDocument.Any, key, request.Id, cancellationToken, externalId: request.Id);
                if (outcome is Success && request.RecipientAccepted)
                {
                    var swapId = Json.Read<ScheduleResult>(((Success)outcome).BodyJson) is { Subject: System.Text.Json.JsonElement subject }
                        ? subject.GetProperty("swapId").GetGuid()
                        : Guid.Empty;
                    outcome = await schedules.AnswerSwapAsync(period.TeamId, period.PeriodId, swapId, peer, accept: true, PutDocument.Any, key + ":accept", request.Id, cancellationToken);
                }
            }

            if (outcome is Problem rejected)
            {
                // It can never be approved here: say why in Teams, where the agent asked.
                await teams.AnswerAsync(link, request.Kind, request.Id, approve: false, rejected.Detail, cancellationToken);
                await sync.SaveAsync(s => s with { Answered = [.. s.Answered, request.Id] }, cancellationToken);
            }

            await sync.SaveAsync(s => s with { Imported = With(s.Imported, request.Id, key) }, cancellationToken);
            imported++;
        }

        return imported;
    }

    private async Task<int> AnswerAsync(ITeamsShifts teams, ShiftsLink link, string teamId, string periodId, Tracker sync, CancellationToken cancellationToken)
    {
        var period = (await schedules.GetAsync(teamId, periodId, cancellationToken))!.Value;
        var decided = period.TimeOffRequests
            .Where(t => t.ExternalId is not null && t.Status is RequestStatus.Approved or RequestStatus.Declined)
            .Select(t => (ExternalRequestKind.TimeOff, t.ExternalId!, t.Status, t.DecidedBy, t.Reasons))
            .Concat(period.Swaps
                .Where(s => s.ExternalId is not null && s.Status is RequestStatus.Approved or RequestStatus.Declined)
                .Select(s => (ExternalRequestKind.Swap, s.ExternalId!, s.Status, s.DecidedBy, s.Reasons)));
        var answered = 0;
        foreach (var (kind, externalId, status, by, reasons) in decided)
        {
            if (sync.State.Answered.Contains(externalId))
            {
                continue;
            }

            var approve = status == RequestStatus.Approved;
            var message = (approve ? "Approved" : "Declined") + (by is "automatic" ? " automatically: coverage and rules hold" : $" by {by}")
                + (reasons.Count > 0 ? ". " + ScheduleService.Describe(reasons) : string.Empty);
            await teams.AnswerAsync(link, kind, externalId, approve, message, cancellationToken);
            await sync.SaveAsync(s => s with { Answered = [.. s.Answered, externalId] }, cancellationToken);
            answered++;
        }

        return answered;
    }

    private static string Signature(ExternalShift shift) =>
        string.Create(CultureInfo.InvariantCulture, $"{shift.UserId}|{shift.Start:O}|{shift.End:O}|{shift.DisplayName}");

    private static DateTimeOffset Utc(SchedulePeriod period, DateTime local) => new(ScheduleTime.ToUtc(period, local), TimeSpan.Zero);

    private static DateTime Local(SchedulePeriod period, DateTimeOffset utc) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(utc.UtcDateTime, ScheduleTime.FindZone(period.TimeZone) ?? TimeZoneInfo.Utc), DateTimeKind.Unspecified);

    private static Dictionary<string, T> With<T>(IReadOnlyDictionary<string, T> map, string key, T value) =>
        new(map.Where(m => m.Key != key).Append(new KeyValuePair<string, T>(key, value)), StringComparer.Ordinal);

    private static Dictionary<string, T> Without<T>(IReadOnlyDictionary<string, T> map, string key) =>
        new(map.Where(m => m.Key != key), StringComparer.Ordinal);

    /// <summary>The sync state document, saved with its ETag after each step.</summary>
    private sealed class Tracker(IStateStore store, string partition, string periodId, Versioned<ShiftsSyncState>? loaded)
    {
        private string? _etag = loaded?.ETag;

        public ShiftsSyncState State { get; private set; } = loaded?.Value
            ?? new ShiftsSyncState(periodId, new Dictionary<string, SyncedShift>(), new Dictionary<string, string>(), []);

        public async Task SaveAsync(Func<ShiftsSyncState, ShiftsSyncState> change, CancellationToken cancellationToken)
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var next = change(State);
                var id = ShiftsSyncState.DocumentId(periodId);
                if (await store.CommitAsync(partition, cancellationToken, StateStoreExtensions.Put(id, Kinds.ShiftsSync, next, _etag)) is Committed committed)
                {
                    (State, _etag) = (next, committed.ETags[id]);
                    return;
                }

                // Another sync of the same period ran at the same time: continue from what it recorded.
                var fresh = await store.ReadAsync<ShiftsSyncState>(partition, id, cancellationToken);
                (State, _etag) = (fresh?.Value ?? State, fresh?.ETag);
            }

            throw new StoreUnavailableException($"the Teams Shifts sync state of period {periodId} kept changing; try again");
        }
    }
}
