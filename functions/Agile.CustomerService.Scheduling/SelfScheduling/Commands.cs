namespace Agile.CustomerService.Scheduling;

/// <summary>An agent claims an open shift.</summary>
public sealed record ClaimOpenShift(Guid ShiftId, string AgentId);

/// <summary>An agent claims a new shift from a template; <paramref name="ShiftId"/> is made at the edge.</summary>
public sealed record ClaimShift(Guid ShiftId, string AgentId, DateOnly Date, string TemplateId);

/// <summary>An agent gives a shift back; it becomes an open shift.</summary>
public sealed record ReleaseShift(Guid ShiftId, string AgentId);

/// <summary>
/// A swap the peer has accepted: the requester's shift goes to the peer and the peer's shift (if any) to the
/// requester. Without a peer shift it is a give-away.
/// </summary>
public sealed record SwapShifts(Guid SwapId, string RequesterId, Guid RequesterShiftId, string PeerId, Guid? PeerShiftId);

/// <summary>An agent asks for time off from <paramref name="From"/> until <paramref name="Until"/> (local time).</summary>
public sealed record RequestTimeOff(Guid RequestId, string AgentId, DateTime From, DateTime Until);

/// <summary>The team's decision on a swap that was referred to it.</summary>
public sealed record DecideSwap(SwapShifts Swap, bool Approve);

/// <summary>The team's decision on a time-off request that was referred to it.</summary>
public sealed record DecideTimeOff(RequestTimeOff Request, bool Approve);
