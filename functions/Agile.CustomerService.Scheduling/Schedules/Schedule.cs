namespace Agile.CustomerService.Scheduling;

/// <summary>
/// One team's schedule for one period: what is needed (coverage needs, templates, rules), who can work
/// (agents) and what is planned (shifts, open shifts, approved time off). A plain value: decisions read it
/// and return events; <see cref="Apply"/> folds an event into the next value.
/// </summary>
public sealed record Schedule(
    SchedulePeriod Period,
    LabourRules Rules,
    IReadOnlyList<Agent> Agents,
    IReadOnlyList<ShiftTemplate> Templates,
    IReadOnlyList<CoverageNeed> Needs,
    IReadOnlyList<ActivitySkills> ActivitySkills,
    IReadOnlyList<Shift> Shifts,
    IReadOnlyList<TimeOff> TimeOff)
{
    public Agent? FindAgent(string agentId) => Agents.FirstOrDefault(a => a.Id == agentId);

    public Shift? FindShift(Guid shiftId) => Shifts.FirstOrDefault(s => s.Id == shiftId);

    public ShiftTemplate? FindTemplate(string templateId) => Templates.FirstOrDefault(t => t.Id == templateId);

    public IReadOnlyList<string> SkillsFor(ShiftActivity activity) =>
        ActivitySkills.FirstOrDefault(s => s.Activity == activity)?.Skills ?? [];

    public bool IsQualified(Agent agent, ShiftActivity activity) => agent.HasSkills(SkillsFor(activity));

    public IEnumerable<Shift> ShiftsOf(string agentId) => Shifts.Where(s => s.AgentId == agentId);

    public IEnumerable<TimeOff> TimeOffOf(string agentId) => TimeOff.Where(t => t.AgentId == agentId);

    /// <summary>The schedule after <paramref name="change"/>.</summary>
    public Schedule Apply(ScheduleEvent change) => change switch
    {
        ShiftClaimed e => this with { Shifts = Replace(e.Shift) },
        OpenShiftPublished e => this with { Shifts = Replace(e.Shift) },
        ShiftReleased e => this with { Shifts = Map(e.ShiftId, s => s with { AgentId = null }) },
        ShiftCancelled e => this with { Shifts = [.. Shifts.Where(s => s.Id != e.ShiftId)] },
        ShiftsSwapped e => this with
        {
            Shifts = [.. Shifts.Select(s =>
                s.Id == e.RequesterShiftId ? s with { AgentId = e.PeerId }
                : s.Id == e.PeerShiftId ? s with { AgentId = e.RequesterId }
                : s)],
        },
        TimeOffApproved e => this with { TimeOff = [.. TimeOff.Where(t => t.Id != e.TimeOff.Id), e.TimeOff] },
        _ => this,
    };

    /// <summary>The schedule after each of <paramref name="changes"/> in turn.</summary>
    public Schedule Apply(IEnumerable<ScheduleEvent> changes) => changes.Aggregate(this, (s, e) => s.Apply(e));

    private Shift[] Replace(Shift shift) => [.. Shifts.Where(s => s.Id != shift.Id), shift];

    private Shift[] Map(Guid shiftId, Func<Shift, Shift> change) =>
        [.. Shifts.Select(s => s.Id == shiftId ? change(s) : s)];
}
