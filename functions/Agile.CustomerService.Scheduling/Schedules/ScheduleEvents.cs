namespace Agile.CustomerService.Scheduling;

/// <summary>Something that happened to a schedule. Closed: every event is one of the records below.</summary>
public abstract record ScheduleEvent
{
    internal ScheduleEvent()
    {
    }
}

/// <summary>An agent claimed a shift: an open shift, or a new one from a template. <see cref="Shift"/> is the claimed shift.</summary>
public sealed record ShiftClaimed(Shift Shift) : ScheduleEvent;

/// <summary>A shift was published for anyone qualified to claim (agent is null).</summary>
public sealed record OpenShiftPublished(Shift Shift) : ScheduleEvent;

/// <summary>An agent gave a shift back; it is now an open shift.</summary>
public sealed record ShiftReleased(Guid ShiftId, string AgentId) : ScheduleEvent;

/// <summary>A shift is no longer needed (its agent took time off and coverage holds without it).</summary>
public sealed record ShiftCancelled(Guid ShiftId, string AgentId) : ScheduleEvent;

/// <summary>Two agents swapped shifts, or the requester gave a shift to the peer (no peer shift).</summary>
public sealed record ShiftsSwapped(Guid SwapId, Guid RequesterShiftId, string RequesterId, Guid? PeerShiftId, string PeerId) : ScheduleEvent;

/// <summary>A swap the peer accepted would break coverage; the team decides, knowing why.</summary>
public sealed record SwapReferredToTeam(SwapShifts Swap, IReadOnlyList<Violation> Reasons) : ScheduleEvent;

/// <summary>The team declined a swap.</summary>
public sealed record SwapDeclined(Guid SwapId) : ScheduleEvent;

/// <summary>Time off was approved: automatically, or by the team.</summary>
public sealed record TimeOffApproved(TimeOff TimeOff) : ScheduleEvent;

/// <summary>A time-off request would break coverage; the team decides, knowing why.</summary>
public sealed record TimeOffReferredToTeam(RequestTimeOff Request, IReadOnlyList<Violation> Reasons) : ScheduleEvent;

/// <summary>The team declined a time-off request.</summary>
public sealed record TimeOffDeclined(Guid RequestId, string AgentId) : ScheduleEvent;
