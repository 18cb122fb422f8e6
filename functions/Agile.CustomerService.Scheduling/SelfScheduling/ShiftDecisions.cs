using static Agile.CustomerService.Scheduling.ScheduleDecision;

namespace Agile.CustomerService.Scheduling;

/// <summary>
/// Self-scheduling decisions: pure functions from the schedule and a command to a decision with events.
/// An agent's own claim may not break a labour rule (rejected, naming the rule). A swap the peer accepted is
/// approved automatically when labour rules and coverage still hold; otherwise the team decides, knowing which
/// rule or which intervals it breaks. Approved time off and the period bind even the team.
/// </summary>
public static class ShiftDecisions
{
    public static ScheduleDecision Decide(Schedule schedule, ClaimOpenShift command)
    {
        var shift = schedule.FindShift(command.ShiftId);
        if (shift is null)
        {
            return new Rejected($"shift {command.ShiftId} does not exist");
        }

        if (shift.AgentId == command.AgentId)
        {
            return AlreadyApplied.Instance;
        }

        if (shift.AgentId is not null)
        {
            return new Rejected($"shift {shift.Id} is not open: agent {shift.AgentId} has it");
        }

        return schedule.FindAgent(command.AgentId) is null
            ? new Rejected($"agent {command.AgentId} is not in the team")
            : Claim(schedule, shift with { AgentId = command.AgentId });
    }

    public static ScheduleDecision Decide(Schedule schedule, ClaimShift command)
    {
        var template = schedule.FindTemplate(command.TemplateId);
        if (template is null)
        {
            return new Rejected($"template {command.TemplateId} does not exist");
        }

        var claimed = Shift.FromTemplate(command.ShiftId, command.AgentId, command.Date, template);
        var existing = schedule.FindShift(command.ShiftId);
        if (existing is not null)
        {
            return existing == claimed
                ? AlreadyApplied.Instance
                : new Rejected($"shift id {command.ShiftId} is already used");
        }

        if (!schedule.Period.Contains(command.Date))
        {
            return new Rejected([new OutsidePeriod(command.AgentId, command.Date, schedule.Period.Start, schedule.Period.End)]);
        }

        return schedule.FindAgent(command.AgentId) is null
            ? new Rejected($"agent {command.AgentId} is not in the team")
            : Claim(schedule, claimed);
    }

    public static ScheduleDecision Decide(Schedule schedule, ReleaseShift command)
    {
        var shift = schedule.FindShift(command.ShiftId);
        if (shift is null)
        {
            return new Rejected($"shift {command.ShiftId} does not exist");
        }

        if (shift.AgentId is null)
        {
            return AlreadyApplied.Instance;
        }

        if (shift.AgentId != command.AgentId)
        {
            return new Rejected($"shift {shift.Id} belongs to agent {shift.AgentId}, not {command.AgentId}");
        }

        var change = new ShiftReleased(shift.Id, command.AgentId);
        var drops = ScheduleRules.ValidateCoverageChange(schedule, schedule.Apply(change));
        return new Approved([change], drops.Violations);
    }

    /// <summary>Decide a swap the peer has accepted.</summary>
    public static ScheduleDecision Decide(Schedule schedule, SwapShifts command)
    {
        if (CheckSwap(schedule, command) is { } early)
        {
            return early;
        }

        var change = Swapped(command);
        var after = schedule.Apply(change);
        var broken = ScheduleRules.ValidateChange(schedule, after, [command.RequesterId, command.PeerId]).Violations;
        var binding = broken.Where(v => v.BindsTheTeam).ToArray();
        if (binding.Length > 0)
        {
            return new Rejected(binding);
        }

        Violation[] reasons = [.. broken, .. ScheduleRules.ValidateCoverageChange(schedule, after).Violations];
        return reasons.Length > 0
            ? new NeedsTeamDecision(reasons, [new SwapReferredToTeam(command, reasons)])
            : new Approved(change);
    }

    /// <summary>
    /// The team's decision on a referred swap: approving accepts the coverage it drops and the labour rules it
    /// breaks (returned as notices), never approved time off or the period.
    /// </summary>
    public static ScheduleDecision Decide(Schedule schedule, DecideSwap command)
    {
        if (!command.Approve)
        {
            return new Approved(new SwapDeclined(command.Swap.SwapId));
        }

        if (CheckSwap(schedule, command.Swap) is { } early)
        {
            return early;
        }

        var change = Swapped(command.Swap);
        var after = schedule.Apply(change);
        var broken = ScheduleRules.ValidateChange(schedule, after, [command.Swap.RequesterId, command.Swap.PeerId]).Violations;
        var binding = broken.Where(v => v.BindsTheTeam).ToArray();
        return binding.Length > 0
            ? new Rejected(binding)
            : new Approved([change], [.. broken, .. ScheduleRules.ValidateCoverageChange(schedule, after).Violations]);
    }

    /// <summary>Decide a time-off request: approved when coverage holds without the agent's shifts in it (they are cancelled).</summary>
    public static ScheduleDecision Decide(Schedule schedule, RequestTimeOff command)
    {
        if (CheckTimeOff(schedule, command) is { } early)
        {
            return early;
        }

        var timeOff = new TimeOff(command.RequestId, command.AgentId, command.From, command.Until);
        ScheduleEvent[] events =
        [
            new TimeOffApproved(timeOff),
            .. schedule.ShiftsOf(command.AgentId).Where(timeOff.Overlaps).Select(s => new ShiftCancelled(s.Id, command.AgentId)),
        ];
        var drops = ScheduleRules.ValidateCoverageChange(schedule, schedule.Apply(events)).Violations;
        return drops.Count > 0
            ? new NeedsTeamDecision(drops, [new TimeOffReferredToTeam(command, drops)])
            : new Approved(events);
    }

    /// <summary>
    /// The team's decision on referred time off. Approving releases the agent's shifts in it as open shifts where
    /// coverage needs them, and cancels the others.
    /// </summary>
    public static ScheduleDecision Decide(Schedule schedule, DecideTimeOff command)
    {
        var request = command.Request;
        if (!command.Approve)
        {
            return new Approved(new TimeOffDeclined(request.RequestId, request.AgentId));
        }

        if (CheckTimeOff(schedule, request) is { } early)
        {
            return early;
        }

        var timeOff = new TimeOff(request.RequestId, request.AgentId, request.From, request.Until);
        var overlapping = schedule.ShiftsOf(request.AgentId).Where(timeOff.Overlaps).ToArray();
        var without = schedule.Apply([new TimeOffApproved(timeOff), .. overlapping.Select(s => new ShiftCancelled(s.Id, request.AgentId))]);
        var grid = CoverageGrid.Build(without);
        ScheduleEvent[] events =
        [
            new TimeOffApproved(timeOff),
            .. overlapping.Select(s => LeavesGap(grid, s)
                ? (ScheduleEvent)new ShiftReleased(s.Id, request.AgentId)
                : new ShiftCancelled(s.Id, request.AgentId)),
        ];
        return new Approved(events, ScheduleRules.ValidateCoverageChange(schedule, without).Violations);
    }

    /// <summary>
    /// Open shifts for every coverage gap that a template can fill: greedy, each time the template and day that
    /// fill the most short intervals. Existing open shifts count as planned, so a second call publishes nothing new.
    /// </summary>
    public static IReadOnlyList<OpenShiftPublished> OpenShiftsForGaps(Schedule schedule, Func<Guid> newId)
    {
        ArgumentNullException.ThrowIfNull(newId);
        var period = schedule.Period;
        var grid = CoverageGrid.Build(schedule, countOpenShifts: true);
        var published = new List<OpenShiftPublished>();
        foreach (var activity in CoverageGrid.Activities)
        {
            var offset = grid.Index(activity, 0);
            var residual = new int[period.IntervalCount];
            for (var i = 0; i < residual.Length; i++)
            {
                residual[i] = Math.Max(0, grid.Need[offset + i] - grid.Scheduled[offset + i]);
            }

            var candidates = (
                from template in schedule.Templates
                where template.Activity == activity && template.Length <= schedule.Rules.MaxShiftLength
                from date in period.Dates
                let range = period.IntervalRange(date.ToDateTime(template.Start), date.ToDateTime(template.Start) + template.Length)
                orderby date, template.Start
                select (Date: date, Template: template, range.First, range.End)).ToArray();
            while (true)
            {
                var best = -1;
                var bestScore = 0;
                for (var c = 0; c < candidates.Length; c++)
                {
                    var score = 0;
                    for (var i = candidates[c].First; i < candidates[c].End; i++)
                    {
                        score += residual[i] > 0 ? 1 : 0;
                    }

                    if (score > bestScore)
                    {
                        (best, bestScore) = (c, score);
                    }
                }

                if (best < 0)
                {
                    break;
                }

                var chosen = candidates[best];
                for (var i = chosen.First; i < chosen.End; i++)
                {
                    residual[i] = Math.Max(0, residual[i] - 1);
                }

                published.Add(new OpenShiftPublished(Shift.FromTemplate(newId(), null, chosen.Date, chosen.Template)));
            }
        }

        return published;
    }

    private static ScheduleDecision Claim(Schedule schedule, Shift claimed)
    {
        var change = new ShiftClaimed(claimed);
        var broken = ScheduleRules.ValidateChange(schedule, schedule.Apply(change), [claimed.AgentId!]);
        return broken is RuleCheck.Broken b ? new Rejected(b.Violations) : new Approved(change);
    }

    private static ShiftsSwapped Swapped(SwapShifts command) =>
        new(command.SwapId, command.RequesterShiftId, command.RequesterId, command.PeerShiftId, command.PeerId);

    private static ScheduleDecision? CheckSwap(Schedule schedule, SwapShifts command)
    {
        if (command.RequesterId == command.PeerId)
        {
            return new Rejected($"agent {command.RequesterId} cannot swap with themselves");
        }

        foreach (var agentId in new[] { command.RequesterId, command.PeerId })
        {
            if (schedule.FindAgent(agentId) is null)
            {
                return new Rejected($"agent {agentId} is not in the team");
            }
        }

        var mine = schedule.FindShift(command.RequesterShiftId);
        var theirs = command.PeerShiftId is { } peerShiftId ? schedule.FindShift(peerShiftId) : null;
        if (mine is null || (command.PeerShiftId is not null && theirs is null))
        {
            return new Rejected($"shift {(mine is null ? command.RequesterShiftId : command.PeerShiftId)} does not exist");
        }

        if (mine.AgentId == command.PeerId && (theirs is null || theirs.AgentId == command.RequesterId))
        {
            return AlreadyApplied.Instance;
        }

        if (mine.AgentId != command.RequesterId)
        {
            return new Rejected($"shift {mine.Id} is not agent {command.RequesterId}'s to swap");
        }

        return theirs is not null && theirs.AgentId != command.PeerId
            ? new Rejected($"shift {theirs.Id} is not agent {command.PeerId}'s to swap")
            : null;
    }

    private static ScheduleDecision? CheckTimeOff(Schedule schedule, RequestTimeOff command)
    {
        if (command.Until <= command.From)
        {
            return new Rejected("time off must end after it starts");
        }

        if (schedule.FindAgent(command.AgentId) is null)
        {
            return new Rejected($"agent {command.AgentId} is not in the team");
        }

        if (command.Until <= schedule.Period.StartsAt || command.From >= schedule.Period.EndsAt)
        {
            return new Rejected([new OutsidePeriod(command.AgentId, DateOnly.FromDateTime(command.From), schedule.Period.Start, schedule.Period.End)]);
        }

        return schedule.TimeOff.Any(t => t.Id == command.RequestId) ? AlreadyApplied.Instance : null;
    }

    private static bool LeavesGap(CoverageGrid grid, Shift shift)
    {
        var (first, end) = grid.Period.IntervalRange(shift.StartsAt, shift.EndsAt);
        for (var i = first; i < end; i++)
        {
            var at = grid.Index(shift.Activity, i);
            if (grid.Scheduled[at] < grid.Need[at])
            {
                return true;
            }
        }

        return false;
    }
}
