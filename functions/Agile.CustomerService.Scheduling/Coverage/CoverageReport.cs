namespace Agile.CustomerService.Scheduling;

/// <summary>Scheduled (qualified agents on shift) against need, for one activity and one 30-minute interval.</summary>
public sealed record IntervalCoverage(ShiftActivity Activity, DateTime Start, int Scheduled, int Need)
{
    public int Shortfall => Math.Max(0, Need - Scheduled);

    public int Surplus => Math.Max(0, Scheduled - Need);
}

/// <summary>Totals in agent-intervals (one agent for 30 minutes), for one activity or all.</summary>
public sealed record CoverageTotals(int Need, int Covered, int Shortfall, int Surplus)
{
    public double CoveragePercent => Need == 0 ? 100 : 100.0 * Covered / Need;
}

/// <summary>What one agent works in the period, against the hours their contract asks for (less time off).</summary>
public sealed record AgentLoad(string AgentId, int Shifts, TimeSpan Hours, TimeSpan TargetHours, int WeekendDays, int LateShifts)
{
    public TimeSpan Deviation => Hours - TargetHours;
}

/// <summary>
/// Max minus min over the team's agents: hours against target (all agents), weekend days worked (agents who can
/// work weekends), late shifts (agents who can work late).
/// </summary>
public sealed record FairnessSpread(TimeSpan Hours, int WeekendDays, int LateShifts);

/// <summary>Per interval and activity scheduled against need, totals, shortfall and the fairness spread.</summary>
public sealed record CoverageReport(
    IReadOnlyList<IntervalCoverage> Intervals,
    IReadOnlyDictionary<ShiftActivity, CoverageTotals> ByActivity,
    CoverageTotals Totals,
    IReadOnlyList<AgentLoad> Agents,
    FairnessSpread Fairness)
{
    /// <summary>The report for a schedule; intervals with neither need nor anyone on shift are left out.</summary>
    public static CoverageReport For(Schedule schedule)
    {
        var grid = CoverageGrid.Build(schedule);
        var period = schedule.Period;
        var intervals = new List<IntervalCoverage>();
        var byActivity = new Dictionary<ShiftActivity, CoverageTotals>();
        foreach (var activity in CoverageGrid.Activities)
        {
            var (need, covered, shortfall, surplus) = (0, 0, 0, 0);
            for (var i = 0; i < period.IntervalCount; i++)
            {
                var at = grid.Index(activity, i);
                var (scheduled, needed) = (grid.Scheduled[at], grid.Need[at]);
                if (scheduled == 0 && needed == 0)
                {
                    continue;
                }

                intervals.Add(new IntervalCoverage(activity, period.IntervalStart(i), scheduled, needed));
                need += needed;
                covered += Math.Min(scheduled, needed);
                shortfall += Math.Max(0, needed - scheduled);
                surplus += Math.Max(0, scheduled - needed);
            }

            byActivity[activity] = new CoverageTotals(need, covered, shortfall, surplus);
        }

        var totals = byActivity.Values.Aggregate(
            new CoverageTotals(0, 0, 0, 0),
            (sum, t) => new CoverageTotals(sum.Need + t.Need, sum.Covered + t.Covered, sum.Shortfall + t.Shortfall, sum.Surplus + t.Surplus));
        var agents = Loads(schedule);
        var weekend = agents.Where(a => CanWorkWeekends(schedule, schedule.FindAgent(a.AgentId)!)).ToArray();
        var late = agents.Where(a => CanWorkLate(schedule, schedule.FindAgent(a.AgentId)!)).ToArray();
        var fairness = new FairnessSpread(
            agents.Length == 0 ? TimeSpan.Zero : agents.Max(a => a.Deviation) - agents.Min(a => a.Deviation),
            weekend.Length == 0 ? 0 : weekend.Max(a => a.WeekendDays) - weekend.Min(a => a.WeekendDays),
            late.Length == 0 ? 0 : late.Max(a => a.LateShifts) - late.Min(a => a.LateShifts));
        return new CoverageReport(intervals, byActivity, totals, agents, fairness);
    }

    /// <summary>
    /// The agent's hours for the period: contracted weekly hours per 7 days, less each day with 4 h or more of
    /// approved time off.
    /// </summary>
    public static TimeSpan TargetHours(Schedule schedule, Agent agent)
    {
        var period = schedule.Period;
        var daysOff = period.Dates.Count(date =>
        {
            var (dayStart, dayEnd) = (date.ToDateTime(TimeOnly.MinValue), date.AddDays(1).ToDateTime(TimeOnly.MinValue));
            var off = schedule.TimeOffOf(agent.Id).Aggregate(TimeSpan.Zero, (sum, t) =>
                sum + Overlap(t.From, t.Until, dayStart, dayEnd));
            return off >= TimeSpan.FromHours(4);
        });
        return agent.ContractedWeeklyHours * (period.Days - daysOff) / 7;
    }

    /// <summary>Agents who can work at least one template, or who have a shift: the ones fairness compares on hours.</summary>
    internal static bool Counts(Schedule schedule, Agent agent) =>
        schedule.Templates.Any(t => schedule.IsQualified(agent, t.Activity)) || schedule.ShiftsOf(agent.Id).Any();

    /// <summary>Agents whose skills and availability allow a weekend shift: the ones fairness compares on weekends.</summary>
    internal static bool CanWorkWeekends(Schedule schedule, Agent agent) =>
        CanWork(schedule, agent, (date, shift) => shift.IsWeekend) || schedule.ShiftsOf(agent.Id).Any(s => s.IsWeekend);

    /// <summary>Agents whose skills and availability allow a late shift: the ones fairness compares on late shifts.</summary>
    internal static bool CanWorkLate(Schedule schedule, Agent agent) =>
        CanWork(schedule, agent, (date, shift) => shift.IsLate) || schedule.ShiftsOf(agent.Id).Any(s => s.IsLate);

    private static bool CanWork(Schedule schedule, Agent agent, Func<DateOnly, Shift, bool> kind) =>
        schedule.Period.Dates.Take(7).Any(date => schedule.Templates.Any(t =>
        {
            var shift = Shift.FromTemplate(Guid.Empty, agent.Id, date, t);
            return kind(date, shift) && schedule.IsQualified(agent, t.Activity)
                && ScheduleRules.IsAvailable(agent, shift.StartsAt, shift.EndsAt);
        }));

    private static AgentLoad[] Loads(Schedule schedule) =>
        [.. schedule.Agents.Where(a => Counts(schedule, a)).Select(agent =>
        {
            var shifts = schedule.ShiftsOf(agent.Id).Where(s => schedule.Period.Contains(s.Date)).ToArray();
            return new AgentLoad(
                agent.Id,
                shifts.Length,
                shifts.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Length),
                TargetHours(schedule, agent),
                shifts.Where(s => s.IsWeekend).Select(s => s.Date).Distinct().Count(),
                shifts.Count(s => s.IsLate));
        })];

    private static TimeSpan Overlap(DateTime from, DateTime until, DateTime dayStart, DateTime dayEnd)
    {
        var start = from > dayStart ? from : dayStart;
        var end = until < dayEnd ? until : dayEnd;
        return end > start ? end - start : TimeSpan.Zero;
    }
}
