using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Scheduling;
using static Agile.CustomerService.Scheduling.ScheduleDecision;

namespace Agile.CustomerService.Application.Scheduling;

/// <summary>The terms an agent works on in a period; members not listed get the defaults.</summary>
public sealed record AgentTerms(
    string AgentId,
    TimeSpan? ContractedWeeklyHours,
    TimeSpan? MaxWeeklyHours,
    IReadOnlyList<AvailabilityWindow>? Availability,
    ShiftPreferences? Preferences);

public sealed record OpenPeriodRequest(
    DateOnly Start,
    int Weeks,
    string TimeZone,
    LabourRules Rules,
    IReadOnlyList<ShiftTemplate> Templates,
    IReadOnlyList<CoverageNeed> Needs,
    IReadOnlyList<ActivitySkills> ActivitySkills,
    IReadOnlyList<AgentTerms> Agents);

/// <summary>
/// The root handlers of self-scheduling (issue 7): load the period document, decide with the pure
/// <see cref="ShiftDecisions"/>, save it with its ETag together with the outbox events, the idempotency
/// record and (once published) the team's roster, which drives routing capacity. Everything a period
/// changes lives in the team's partition, so each change is one atomic commit.
/// </summary>
public sealed class ScheduleService(IStateStore store, TimeProvider time, CaseService cases)
{
    public static readonly TimeSpan DefaultContractedHours = TimeSpan.FromHours(36);
    public static readonly TimeSpan DefaultMaxWeeklyHours = TimeSpan.FromHours(40);

    private const int MaxAttempts = 8;
    // ------------------------------------------------------------------ reads

    public async Task<Versioned<SchedulePeriodDocument>?> GetAsync(string teamId, string periodId, CancellationToken cancellationToken) =>
        await store.ReadAsync<SchedulePeriodDocument>(Partitions.Team(teamId), SchedulePeriodDocument.DocumentId(periodId), cancellationToken);

    public async Task<IReadOnlyList<PeriodSummary>> ListAsync(string teamId, CancellationToken cancellationToken)
    {
        var periods = await store.QueryAsync<SchedulePeriodDocument>(Partitions.Team(teamId), Kinds.Schedule, cancellationToken);
        return [.. periods.Select(p => Summary(p.Value)).OrderBy(p => p.Start)];
    }

    public static PeriodSummary Summary(SchedulePeriodDocument d) => new(
        d.PeriodId, d.TeamId, d.Status, d.Schedule.Period.Start, d.Schedule.Period.End.AddDays(-1), d.Schedule.Period.TimeZone,
        d.Schedule.Shifts.Count(s => s.AgentId is not null), d.Schedule.Shifts.Count(s => s.AgentId is null),
        d.Swaps.Count(s => s.Status is RequestStatus.AwaitingPeer or RequestStatus.AwaitingTeam),
        d.TimeOffRequests.Count(t => t.Status == RequestStatus.AwaitingTeam),
        d.Version);

    /// <summary>
    /// CP-SAT suggestions within <paramref name="timeLimit"/>: fill the gaps around claims and open shifts, or
    /// (<paramref name="wholePeriod"/>) propose the whole period around the agents' claims, dropping unclaimed open shifts.
    /// A proposal only: nothing is written; agents claim what they take.
    /// </summary>
    public static ShiftSuggestion Suggest(SchedulePeriodDocument period, bool wholePeriod, TimeSpan timeLimit)
    {
        var schedule = wholePeriod
            ? period.Schedule with { Shifts = [.. period.Schedule.Shifts.Where(s => s.AgentId is not null)] }
            : period.Schedule;
        return ShiftSuggestions.Suggest(schedule, new SuggestionOptions(timeLimit), Guid.CreateVersion7);
    }

    // ------------------------------------------------------------- open, publish

    /// <summary>Opens a period for the team's current members. The period id is its start date; periods of a team do not overlap.</summary>
    public async Task<Outcome> OpenAsync(string teamId, OpenPeriodRequest request, string idempotencyKey, string requestBody, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        var requestHash = Hash("open", teamId + "\n" + requestBody);
        if (await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken) is { } replay)
        {
            return replay;
        }

        var team = await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken);
        if (team is null)
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        var unknown = request.Agents.Select(a => a.AgentId).Where(id => team.Dispatch.Agent(id) is null).ToArray();
        if (unknown.Length > 0)
        {
            return Problem.Invalid($"agents {string.Join(", ", unknown)} are not members of team {teamId}");
        }

        var agents = team.Dispatch.Agents
            .OrderBy(a => a.AgentId, StringComparer.Ordinal)
            .Select(slot =>
            {
                var terms = request.Agents.FirstOrDefault(t => t.AgentId == slot.AgentId);
                return new Agent(
                    slot.AgentId, slot.Skills,
                    terms?.ContractedWeeklyHours ?? DefaultContractedHours,
                    terms?.MaxWeeklyHours ?? DefaultMaxWeeklyHours,
                    terms?.Availability ?? [],
                    terms?.Preferences ?? ShiftPreferences.None);
            })
            .ToArray();
        var period = new SchedulePeriod(request.Start, request.Weeks, request.TimeZone);
        var schedule = new Schedule(period, request.Rules, agents, request.Templates, request.Needs, request.ActivitySkills, [], []);
        if (ScheduleRules.ValidateSetup(schedule) is RuleCheck.Broken broken)
        {
            return Problem.Invalid(Describe(RuleBreak.From(broken.Violations)));
        }

        var periodId = request.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var existing = await store.QueryAsync<SchedulePeriodDocument>(partition, Kinds.Schedule, cancellationToken);
        if (existing.Select(e => e.Value).FirstOrDefault(e => e.Schedule.Period.Start < period.End && period.Start < e.Schedule.Period.End) is { } overlap)
        {
            return Problem.Conflict($"period {overlap.PeriodId} of team {teamId} already covers {overlap.Schedule.Period.Start:yyyy-MM-dd} to {overlap.Schedule.Period.End.AddDays(-1):yyyy-MM-dd}");
        }

        var now = time.GetUtcNow();
        var document = new SchedulePeriodDocument(periodId, teamId, PeriodStatus.Open, 1, schedule, [], [], now, null);
        var result = new ScheduleResult("opened", [], Summary(document), 1);
        var body = Json.Write(result);
        var location = $"/api/teams/{teamId}/schedule/periods/{periodId}";
        var events = Outbox(document, [new ScheduleChange("SchedulePeriodOpened", teamId, periodId, now, Summary(document))]);
        var commit = await CommitWithRecordAsync(
            partition, [StateStoreExtensions.Put(SchedulePeriodDocument.DocumentId(periodId), Kinds.Schedule, document, null)], events,
            idempotencyKey, "open", requestHash, 201, body, location, cancellationToken);
        return commit switch
        {
            Committed c => new Success(201, body, c.ETags[SchedulePeriodDocument.DocumentId(periodId)], location),
            _ => await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken)
                ?? Problem.Conflict($"period {periodId} of team {teamId} already exists"),
        };
    }

    /// <summary>Shares the period: routing capacity follows its shifts from now on.</summary>
    public Task<Outcome> PublishAsync(string teamId, string periodId, string ifMatch, string idempotencyKey, CancellationToken cancellationToken) =>
        MutateAsync(teamId, periodId, ifMatch, idempotencyKey, "publish", string.Empty, (d, now) =>
            d.Status == PeriodStatus.Published
                ? Step.Unchanged(new ScheduleResult("published", [], Summary(d), d.Version))
                : Step.Changed(
                    d with { Status = PeriodStatus.Published, PublishedAt = now },
                    [new ScheduleChange("SchedulePeriodPublished", teamId, periodId, now, new { d.Schedule.Period })],
                    200, next => new ScheduleResult("published", [], Summary(next), next.Version)),
            cancellationToken);

    // ------------------------------------------------------------- shifts

    public Task<Outcome> ClaimOpenShiftAsync(string teamId, string periodId, Guid shiftId, string agentId, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken) =>
        MutateAsync(teamId, periodId, ifMatch, idempotencyKey, $"claim:{shiftId}", requestBody, (d, now) =>
            FromDecision(d, ShiftDecisions.Decide(d.Schedule, new ClaimOpenShift(shiftId, agentId)), now, "claimed", d.Schedule.FindShift(shiftId)),
            cancellationToken);

    public Task<Outcome> ClaimNewShiftAsync(string teamId, string periodId, string agentId, DateOnly date, string templateId, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken)
    {
        // The shift's id follows from the idempotency key, so a retry finds the shift it made.
        var shiftId = DeterministicGuid(teamId + "\n" + periodId, idempotencyKey);
        return MutateAsync(teamId, periodId, ifMatch, idempotencyKey, "claim-new", requestBody, (d, now) =>
            FromDecision(d, ShiftDecisions.Decide(d.Schedule, new ClaimShift(shiftId, agentId, date, templateId)), now, "claimed", null, 201),
            cancellationToken);
    }

    public Task<Outcome> ReleaseShiftAsync(string teamId, string periodId, Guid shiftId, string agentId, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken) =>
        MutateAsync(teamId, periodId, ifMatch, idempotencyKey, $"release:{shiftId}", requestBody, (d, now) =>
            FromDecision(d, ShiftDecisions.Decide(d.Schedule, new ReleaseShift(shiftId, agentId)), now, "released", d.Schedule.FindShift(shiftId)),
            cancellationToken);

    /// <summary>Publishes an open shift for every coverage gap a template can fill; a second call adds none.</summary>
    public Task<Outcome> OpenShiftsForGapsAsync(string teamId, string periodId, string ifMatch, string idempotencyKey, CancellationToken cancellationToken)
    {
        var seed = 0;
        return MutateAsync(teamId, periodId, ifMatch, idempotencyKey, "open-shifts", string.Empty, (d, now) =>
        {
            var published = ShiftDecisions.OpenShiftsForGaps(d.Schedule, () => DeterministicGuid(teamId + "\n" + periodId + "\n" + idempotencyKey, (seed++).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var shifts = published.Select(p => p.Shift).ToArray();
            return published.Count == 0
                ? Step.Unchanged(new ScheduleResult("unchanged", [], shifts, d.Version))
                : Step.Changed(
                    d with { Schedule = d.Schedule.Apply(published) },
                    [.. published.Select(p => Change(d, now, p))],
                    200, next => new ScheduleResult("opened", [], shifts, next.Version));
        }, cancellationToken);
    }

    // ------------------------------------------------------------- swaps

    /// <summary>The requester asks a peer; nothing changes until the peer accepts. A request that could never be approved is rejected now.</summary>
    public Task<Outcome> RequestSwapAsync(string teamId, string periodId, string requesterId, Guid requesterShiftId, string peerId, Guid? peerShiftId, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken, string? externalId = null)
    {
        var swapId = DeterministicGuid(teamId + "\n" + periodId + "\nswap", externalId ?? idempotencyKey);
        return MutateAsync(teamId, periodId, ifMatch, idempotencyKey, "swap", requestBody, (d, now) =>
        {
            if (d.FindSwap(swapId) is { } known)
            {
                return Step.Unchanged(new ScheduleResult(Outcome(known.Status), known.Reasons, known, d.Version));
            }

            var swap = new SwapRequest(swapId, requesterId, requesterShiftId, peerId, peerShiftId, RequestStatus.AwaitingPeer, [], now, null, externalId);
            if (ShiftDecisions.Decide(d.Schedule, swap.ToCommand()) is Rejected rejected)
            {
                return Step.Fail(Reject(rejected));
            }

            return Step.Changed(
                d.WithSwap(swap), [new ScheduleChange("SwapRequested", teamId, periodId, now, swap)],
                201, next => new ScheduleResult("awaitingPeer", [], swap, next.Version), $"/api/teams/{teamId}/schedule/periods/{periodId}/swaps/{swapId}");
        }, cancellationToken);
    }

    /// <summary>The peer answers. Accepting decides the swap: approved when coverage and rules still hold, otherwise the team decides.</summary>
    public Task<Outcome> AnswerSwapAsync(string teamId, string periodId, Guid swapId, string peerId, bool accept, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken) =>
        MutateAsync(teamId, periodId, ifMatch, idempotencyKey, $"answer:{swapId}", requestBody, (d, now) =>
        {
            if (d.FindSwap(swapId) is not { } swap)
            {
                return Step.Fail(Problem.NotFound($"swap {swapId} does not exist in period {periodId}"));
            }

            if (swap.PeerId != peerId)
            {
                return Step.Fail(Problem.Invalid($"swap {swapId} asks agent {swap.PeerId}, not {peerId}"));
            }

            if (swap.Status != RequestStatus.AwaitingPeer)
            {
                return Step.Fail(Problem.Conflict($"swap {swapId} is {Outcome(swap.Status)}, not awaiting the peer"));
            }

            if (!accept)
            {
                var declined = swap with { Status = RequestStatus.Declined, DecidedBy = peerId };
                return Step.Changed(d.WithSwap(declined), [new ScheduleChange("SwapDeclinedByPeer", teamId, periodId, now, declined)], 200, next => new ScheduleResult("declined", [], declined, next.Version));
            }

            return ShiftDecisions.Decide(d.Schedule, swap.ToCommand()) switch
            {
                Approved a => Step.Changed(
                    d.WithSwap(swap with { Status = RequestStatus.Approved, DecidedBy = "automatic", Reasons = RuleBreak.From(a.Notices) }) with { Schedule = d.Schedule.Apply(a.Events) },
                    [new ScheduleChange("SwapAccepted", teamId, periodId, now, swap), .. a.Events.Select(e => Change(d, now, e))],
                    200, next => new ScheduleResult("approved", RuleBreak.From(a.Notices), next.FindSwap(swapId), next.Version)),
                NeedsTeamDecision n => Step.Changed(
                    d.WithSwap(swap with { Status = RequestStatus.AwaitingTeam, Reasons = RuleBreak.From(n.Reasons) }),
                    [new ScheduleChange("SwapAccepted", teamId, periodId, now, swap), .. n.Events.Select(e => Change(d, now, e))],
                    202, next => new ScheduleResult("awaitingTeam", RuleBreak.From(n.Reasons), next.FindSwap(swapId), next.Version)),
                Rejected r => Step.Fail(Reject(r)),
                _ => Step.Unchanged(new ScheduleResult(Outcome(swap.Status), swap.Reasons, swap, d.Version)),
            };
        }, cancellationToken);

    /// <summary>The team decides a swap that was referred to it.</summary>
    public Task<Outcome> DecideSwapAsync(string teamId, string periodId, Guid swapId, string by, bool approve, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken) =>
        MutateAsync(teamId, periodId, ifMatch, idempotencyKey, $"decide-swap:{swapId}", requestBody, (d, now) =>
        {
            if (d.FindSwap(swapId) is not { } swap)
            {
                return Step.Fail(Problem.NotFound($"swap {swapId} does not exist in period {periodId}"));
            }

            if (swap.Status != RequestStatus.AwaitingTeam)
            {
                return Step.Fail(Problem.Conflict($"swap {swapId} is {Outcome(swap.Status)}, not awaiting the team's decision"));
            }

            return ShiftDecisions.Decide(d.Schedule, new DecideSwap(swap.ToCommand(), approve)) switch
            {
                Approved a => Step.Changed(
                    d.WithSwap(swap with { Status = approve ? RequestStatus.Approved : RequestStatus.Declined, DecidedBy = by }) with { Schedule = d.Schedule.Apply(a.Events) },
                    [.. a.Events.Select(e => Change(d, now, e)), new ScheduleChange(approve ? "SwapApprovedByTeam" : "SwapDeclinedByTeam", teamId, periodId, now, new { swapId, by })],
                    200, next => new ScheduleResult(approve ? "approved" : "declined", RuleBreak.From(a.Notices), next.FindSwap(swapId), next.Version)),
                Rejected r => Step.Fail(Reject(r)),
                _ => Step.Unchanged(new ScheduleResult(Outcome(swap.Status), swap.Reasons, swap, d.Version)),
            };
        }, cancellationToken);

    // ------------------------------------------------------------- time off

    public Task<Outcome> RequestTimeOffAsync(string teamId, string periodId, string agentId, DateTime from, DateTime until, string? reason, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken, string? externalId = null)
    {
        var requestId = DeterministicGuid(teamId + "\n" + periodId + "\ntimeoff", externalId ?? idempotencyKey);
        return MutateAsync(teamId, periodId, ifMatch, idempotencyKey, "time-off", requestBody, (d, now) =>
        {
            if (d.FindTimeOff(requestId) is { } known)
            {
                return Step.Unchanged(new ScheduleResult(Outcome(known.Status), known.Reasons, known, d.Version));
            }

            var request = new TimeOffRequest(requestId, agentId, from, until, reason, RequestStatus.AwaitingTeam, [], now, null, externalId);
            var location = $"/api/teams/{teamId}/schedule/periods/{periodId}/time-off/{requestId}";
            return ShiftDecisions.Decide(d.Schedule, request.ToCommand()) switch
            {
                Approved a => Step.Changed(
                    d.WithTimeOff(request with { Status = RequestStatus.Approved, DecidedBy = "automatic" }) with { Schedule = d.Schedule.Apply(a.Events) },
                    [new ScheduleChange("TimeOffRequested", teamId, periodId, now, request), .. a.Events.Select(e => Change(d, now, e))],
                    201, next => new ScheduleResult("approved", [], next.FindTimeOff(requestId), next.Version), location),
                NeedsTeamDecision n => Step.Changed(
                    d.WithTimeOff(request with { Reasons = RuleBreak.From(n.Reasons) }),
                    [new ScheduleChange("TimeOffRequested", teamId, periodId, now, request), .. n.Events.Select(e => Change(d, now, e))],
                    202, next => new ScheduleResult("awaitingTeam", RuleBreak.From(n.Reasons), next.FindTimeOff(requestId), next.Version), location),
                Rejected r => Step.Fail(Reject(r)),
                _ => Step.Unchanged(new ScheduleResult("approved", [], request, d.Version)),
            };
        }, cancellationToken);
    }

    public Task<Outcome> DecideTimeOffAsync(string teamId, string periodId, Guid requestId, string by, bool approve, string ifMatch, string idempotencyKey, string requestBody, CancellationToken cancellationToken) =>
        MutateAsync(teamId, periodId, ifMatch, idempotencyKey, $"decide-time-off:{requestId}", requestBody, (d, now) =>
        {
            if (d.FindTimeOff(requestId) is not { } request)
            {
                return Step.Fail(Problem.NotFound($"time-off request {requestId} does not exist in period {periodId}"));
            }

            if (request.Status != RequestStatus.AwaitingTeam)
            {
                return Step.Fail(Problem.Conflict($"time-off request {requestId} is {Outcome(request.Status)}, not awaiting the team's decision"));
            }

            return ShiftDecisions.Decide(d.Schedule, new DecideTimeOff(request.ToCommand(), approve)) switch
            {
                Approved a => Step.Changed(
                    d.WithTimeOff(request with { Status = approve ? RequestStatus.Approved : RequestStatus.Declined, DecidedBy = by }) with { Schedule = d.Schedule.Apply(a.Events) },
                    [.. a.Events.Select(e => Change(d, now, e)), new ScheduleChange(approve ? "TimeOffApprovedByTeam" : "TimeOffDeclinedByTeam", teamId, periodId, now, new { requestId, by })],
                    200, next => new ScheduleResult(approve ? "approved" : "declined", RuleBreak.From(a.Notices), next.FindTimeOff(requestId), next.Version)),
                Rejected r => Step.Fail(Reject(r)),
                _ => Step.Unchanged(new ScheduleResult(Outcome(request.Status), request.Reasons, request, d.Version)),
            };
        }, cancellationToken);

    // ------------------------------------------------------------- the root handler

    private sealed record Step(Problem? Problem, SchedulePeriodDocument? Next, IReadOnlyList<ScheduleChange> Events, int Status, Func<SchedulePeriodDocument, ScheduleResult>? Result, ScheduleResult? Unchanging, string? Location)
    {
        public static Step Fail(Problem problem) => new(problem, null, [], 0, null, null, null);

        public static Step Unchanged(ScheduleResult result) => new(null, null, [], 200, null, result, null);

        public static Step Changed(SchedulePeriodDocument next, IReadOnlyList<ScheduleChange> events, int status, Func<SchedulePeriodDocument, ScheduleResult> result, string? location = null) =>
            new(null, next, events, status, result, null, location);
    }

    private async Task<Outcome> MutateAsync(
        string teamId, string periodId, string ifMatch, string idempotencyKey, string operation, string requestBody,
        Func<SchedulePeriodDocument, DateTimeOffset, Step> decide, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        var documentId = SchedulePeriodDocument.DocumentId(periodId);
        var requestHash = Hash(operation, teamId + "\n" + periodId + "\n" + requestBody);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }

            var stored = await store.ReadAsync<SchedulePeriodDocument>(partition, documentId, cancellationToken);
            if (stored is null)
            {
                return Problem.NotFound($"period {periodId} of team {teamId} does not exist");
            }

            if (ifMatch != PutDocument.Any && ifMatch != stored.ETag)
            {
                return Problem.Stale($"period {periodId} changed since {ifMatch}; its current ETag is {stored.ETag}: read it again");
            }

            var now = time.GetUtcNow();
            var step = decide(stored.Value, now);
            if (step.Problem is { } problem)
            {
                return problem;
            }

            if (step.Next is null)
            {
                return new Success(200, Json.Write(step.Unchanging!), stored.ETag);
            }

            var next = step.Next with { Version = stored.Value.Version + 1 };
            var body = Json.Write(step.Result!(next));
            var writes = new List<WriteOperation> { StateStoreExtensions.Put(documentId, Kinds.Schedule, next, stored.ETag) };
            TeamRoster? roster = null;
            if (next.Status == PeriodStatus.Published)
            {
                var current = await store.ReadAsync<TeamRoster>(partition, TeamState.RosterId, cancellationToken);
                roster = (current?.Value ?? TeamRoster.Empty(teamId)).WithPeriod(periodId, next.RosterShifts());
                writes.Add(StateStoreExtensions.Put(TeamState.RosterId, Kinds.Roster, roster, current?.ETag));
            }

            var result = await CommitWithRecordAsync(
                partition, writes, Outbox(next, step.Events), idempotencyKey, operation, requestHash, step.Status, body, step.Location, cancellationToken);
            if (result is Committed committed)
            {
                if (roster is not null)
                {
                    await AfterRosterChangeAsync(teamId, roster, now, cancellationToken);
                }

                return new Success(step.Status, body, committed.ETags[documentId], step.Location);
            }

            if (ifMatch != PutDocument.Any)
            {
                var latest = await store.ReadAsync<SchedulePeriodDocument>(partition, documentId, cancellationToken);
                if (latest is not null && latest.ETag != stored.ETag)
                {
                    return Problem.Stale($"period {periodId} changed since {ifMatch}; its current ETag is {latest.ETag}: read it again");
                }
            }
        }

        throw new StoreUnavailableException($"period {periodId} of team {teamId} kept changing; try again");
    }

    /// <summary>
    /// Routing follows the roster: offer waiting work to whoever is on shift now, and arm a timer at each coming
    /// shift start so waiting work is offered then (timers are idempotent by id).
    /// </summary>
    private async Task AfterRosterChangeAsync(string teamId, TeamRoster roster, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var start in roster.ShiftStartsAfter(now).Take(200))
        {
            var timer = new CaseTimer(TimerKind.ShiftStart, $"{teamId}@{start.UtcTicks}", teamId, null, start);
            await store.CommitAsync(timer.Partition, cancellationToken, timer.ToPut());
        }

        await cases.PumpAsync(teamId, cancellationToken);
    }

    private static Step FromDecision(SchedulePeriodDocument d, ScheduleDecision decision, DateTimeOffset now, string outcome, object? subject, int status = 200) => decision switch
    {
        Approved a => Step.Changed(
            d with { Schedule = d.Schedule.Apply(a.Events) },
            [.. a.Events.Select(e => Change(d, now, e))],
            status, next => new ScheduleResult(outcome, RuleBreak.From(a.Notices), ShiftOf(a.Events, next) ?? subject, next.Version)),
        Rejected r => Step.Fail(Reject(r)),
        NeedsTeamDecision n => Step.Fail(Problem.Conflict(Describe(RuleBreak.From(n.Reasons)))),
        _ => Step.Unchanged(new ScheduleResult(outcome, [], subject, d.Version)),
    };

    private static Shift? ShiftOf(IReadOnlyList<ScheduleEvent> events, SchedulePeriodDocument next) => (events.Count > 0 ? events[0] : null) switch
    {
        ShiftClaimed c => next.Schedule.FindShift(c.Shift.Id),
        ShiftReleased r => next.Schedule.FindShift(r.ShiftId),
        _ => null,
    };

    /// <summary>A rejection as a problem: 422 when the request names something wrong, 409 when it would break a rule.</summary>
    public static Problem Reject(Rejected rejected)
    {
        var reasons = RuleBreak.From(rejected.Reasons);
        return reasons.All(r => r.Rule is ScheduleRule.Request or ScheduleRule.Period or ScheduleRule.Setup)
            ? Problem.Invalid(Describe(reasons))
            : new Problem(409, "Breaks a schedule rule", Describe(reasons));
    }

    public static string Describe(IEnumerable<RuleBreak> reasons) =>
        string.Join("; ", reasons.Select(r => $"{r.Message} (rule {char.ToLowerInvariant(r.Rule.ToString()[0])}{r.Rule.ToString()[1..]})"));

    private static string Outcome(RequestStatus status) => status switch
    {
        RequestStatus.AwaitingPeer => "awaitingPeer",
        RequestStatus.AwaitingTeam => "awaitingTeam",
        RequestStatus.Approved => "approved",
        _ => "declined",
    };

    private static ScheduleChange Change(SchedulePeriodDocument d, DateTimeOffset now, ScheduleEvent e) =>
        new(e.GetType().Name, d.TeamId, d.PeriodId, now, e);

    private static List<OutboxEvent> Outbox(SchedulePeriodDocument next, IReadOnlyList<ScheduleChange> changes) =>
        [.. changes.Select((c, i) => new OutboxEvent($"schedule:{next.TeamId}:{next.PeriodId}:{next.Version}:{i + 1}", c.Type, Json.Write(c), null))];

    // ------------------------------------------------------------- idempotency (as CaseService)

    private Task<Outcome?> ReplayAsync(string partition, string key, string requestHash, CancellationToken cancellationToken) =>
        CommandLog.ReplayAsync(store, partition, key, requestHash, cancellationToken, "schedule");

    private async Task<CommitResult> CommitWithRecordAsync(
        string partition, List<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, string key, string operation,
        string requestHash, int status, string body, string? location, CancellationToken cancellationToken)
    {
        writes.Add(CommandLog.Record(key, operation, requestHash, status, body, null, location, "schedule"));
        return await store.CommitAsync(partition, writes, events, cancellationToken);
    }


    private static string Hash(string operation, string body) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + body)));

    private static Guid DeterministicGuid(string scope, string key)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + key));
        return new Guid(bytes.AsSpan(0, 16));
    }
}
