using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Scheduling;

namespace Agile.CustomerService.Application.Scheduling;

public enum PeriodStatus
{
    /// <summary>Agents claim, swap and request time off; routing does not use it yet.</summary>
    Open,

    /// <summary>Shared with the team (and Teams Shifts); routing capacity follows it.</summary>
    Published,
}

public enum RequestStatus
{
    AwaitingPeer,
    AwaitingTeam,
    Approved,
    Declined,
}

/// <summary>A broken rule as stored and shown: which rule, and the interval, day or agent in words.</summary>
public sealed record RuleBreak(ScheduleRule Rule, string Message)
{
    public static RuleBreak From(Violation violation) => new(violation.Rule, violation.Message);

    public static IReadOnlyList<RuleBreak> From(IEnumerable<Violation> violations) => [.. violations.Select(From)];
}

/// <summary>A swap: asked by the requester, accepted by the peer, then approved (automatically or by the team) or declined.</summary>
public sealed record SwapRequest(
    Guid SwapId,
    string RequesterId,
    Guid RequesterShiftId,
    string PeerId,
    Guid? PeerShiftId,
    RequestStatus Status,
    IReadOnlyList<RuleBreak> Reasons,
    DateTimeOffset RequestedAt,
    string? DecidedBy = null,
    string? ExternalId = null)
{
    public SwapShifts ToCommand() => new(SwapId, RequesterId, RequesterShiftId, PeerId, PeerShiftId);
}

/// <summary>A time-off request: approved automatically when coverage holds, otherwise the team decides.</summary>
public sealed record TimeOffRequest(
    Guid RequestId,
    string AgentId,
    DateTime From,
    DateTime Until,
    string? Reason,
    RequestStatus Status,
    IReadOnlyList<RuleBreak> Reasons,
    DateTimeOffset RequestedAt,
    string? DecidedBy = null,
    string? ExternalId = null)
{
    public RequestTimeOff ToCommand() => new(RequestId, AgentId, From, Until);
}

/// <summary>
/// One schedule period of one team, stored as one document in the team's partition: the schedule (needs,
/// templates, rules, agents, shifts, approved time off) and the swap and time-off requests. The Microsoft Teams
/// Shifts ids live apart, in <see cref="ShiftsSyncState"/>, so a sync never contends with agents' changes.
/// </summary>
public sealed record SchedulePeriodDocument(
    string PeriodId,
    string TeamId,
    PeriodStatus Status,
    int Version,
    Schedule Schedule,
    IReadOnlyList<SwapRequest> Swaps,
    IReadOnlyList<TimeOffRequest> TimeOffRequests,
    DateTimeOffset OpenedAt,
    DateTimeOffset? PublishedAt)
{
    public static string DocumentId(string periodId) => $"schedule:{periodId}";

    public SwapRequest? FindSwap(Guid swapId) => Swaps.FirstOrDefault(s => s.SwapId == swapId);

    public TimeOffRequest? FindTimeOff(Guid requestId) => TimeOffRequests.FirstOrDefault(t => t.RequestId == requestId);

    public SchedulePeriodDocument WithSwap(SwapRequest swap) =>
        this with { Swaps = [.. Swaps.Where(s => s.SwapId != swap.SwapId), swap] };

    public SchedulePeriodDocument WithTimeOff(TimeOffRequest request) =>
        this with { TimeOffRequests = [.. TimeOffRequests.Where(t => t.RequestId != request.RequestId), request] };

    /// <summary>The period's agent shifts as routing sees them (UTC; phone and chat take cases, back office does not).</summary>
    public IEnumerable<RosterShift> RosterShifts() =>
        Schedule.Shifts
            .Where(s => s.AgentId is not null)
            .Select(s => new RosterShift(
                PeriodId, s.Id, s.AgentId!,
                new DateTimeOffset(ScheduleTime.ToUtc(Schedule.Period, s.StartsAt), TimeSpan.Zero),
                new DateTimeOffset(ScheduleTime.ToUtc(Schedule.Period, s.EndsAt), TimeSpan.Zero),
                s.Activity != ShiftActivity.BackOffice));
}

/// <summary>A period in a list: what it covers and how far it is.</summary>
public sealed record PeriodSummary(
    string PeriodId, string TeamId, PeriodStatus Status, DateOnly Start, DateOnly End, string TimeZone, int Shifts, int OpenShifts,
    int PendingSwaps, int PendingTimeOff, int Version);

/// <summary>An event of a team's schedule, as written to the outbox with the change that made it.</summary>
public sealed record ScheduleChange(string Type, string TeamId, string PeriodId, DateTimeOffset At, object Data);

/// <summary>What a schedule mutation answers: the outcome, the rules or intervals concerned, the thing changed, the period's version.</summary>
public sealed record ScheduleResult(string Outcome, IReadOnlyList<RuleBreak> Reasons, object? Subject, int Version);
