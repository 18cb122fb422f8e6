namespace Agile.CustomerService.Domain.Dispatch;

/// <summary>
/// One published shift as routing sees it: who, when (UTC) and whether its activity takes cases
/// (phone and chat do; back-office work does not).
/// </summary>
public sealed record RosterShift(string PeriodId, Guid ShiftId, string AgentId, DateTimeOffset From, DateTimeOffset Until, bool HandlesCases)
{
    public bool Covers(DateTimeOffset at) => From <= at && at < Until;
}

/// <summary>An agent who said they are not available (e.g. logged off early) stays so until <see cref="Until"/>.</summary>
public sealed record AvailabilityOverride(string AgentId, DateTimeOffset Until);

/// <summary>
/// A team's published schedule as routing capacity: the shifts of every published period, and the
/// manual overrides. A team with a roster is driven by it; a team without one keeps manual availability.
/// </summary>
public sealed record TeamRoster(string TeamId, IReadOnlyList<RosterShift> Shifts, IReadOnlyList<AvailabilityOverride> Overrides)
{
    public static TeamRoster Empty(string teamId) => new(teamId, [], []);

    /// <summary>Offerable at <paramref name="at"/>: on a shift covering it with a case-handling activity, unless overridden unavailable.</summary>
    public bool IsOfferable(string agentId, DateTimeOffset at) =>
        Shifts.Any(s => s.AgentId == agentId && s.HandlesCases && s.Covers(at))
        && !Overrides.Any(o => o.AgentId == agentId && at < o.Until);

    /// <summary>The shift of the agent covering <paramref name="at"/>, if any.</summary>
    public RosterShift? ShiftAt(string agentId, DateTimeOffset at) =>
        Shifts.FirstOrDefault(s => s.AgentId == agentId && s.Covers(at));

    /// <summary>The dispatch document as routing uses it at <paramref name="at"/>: availability comes from the roster.</summary>
    public TeamDispatch ApplyTo(TeamDispatch dispatch, DateTimeOffset at) => dispatch with
    {
        Agents = [.. dispatch.Agents.Select(a => a.Available == IsOfferable(a.AgentId, at) ? a : a with { Available = !a.Available })],
    };

    /// <summary>The roster with one period's shifts replaced by <paramref name="shifts"/>.</summary>
    public TeamRoster WithPeriod(string periodId, IEnumerable<RosterShift> shifts) =>
        this with { Shifts = [.. Shifts.Where(s => s.PeriodId != periodId), .. shifts] };

    /// <summary>
    /// A manual availability change: unavailable lasts until the end of the agent's current shift (nothing to
    /// override when off shift); available clears the override. Expired overrides are dropped.
    /// </summary>
    public TeamRoster WithManualAvailability(string agentId, bool available, DateTimeOffset at)
    {
        var kept = Overrides.Where(o => o.AgentId != agentId && at < o.Until);
        return !available && ShiftAt(agentId, at) is { } shift
            ? this with { Overrides = [.. kept, new AvailabilityOverride(agentId, shift.Until)] }
            : this with { Overrides = [.. kept] };
    }

    /// <summary>Start times (UTC) of case-handling shifts after <paramref name="after"/>: when waiting work should be offered again.</summary>
    public IEnumerable<DateTimeOffset> ShiftStartsAfter(DateTimeOffset after) =>
        Shifts.Where(s => s.HandlesCases && s.From > after).Select(s => s.From).Distinct().Order();
}
