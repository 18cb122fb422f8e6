namespace Agile.CustomerService.Scheduling;

/// <summary>
/// Pure rule checks over a schedule. Each returns <see cref="RuleCheck.Holds"/> or the violations found, naming
/// the rule and the agent, day, interval or activity concerned.
/// </summary>
public static class ScheduleRules
{
    /// <summary>Whether the setup is usable: period of 2 to 4 weeks, a known time zone, templates and needs on 30-minute boundaries, unique ids.</summary>
    public static RuleCheck ValidateSetup(Schedule schedule) => RuleCheck.Of(SetupViolations(schedule));

    /// <summary>Every labour rule, skill, time-off and period rule for every agent.</summary>
    public static RuleCheck ValidateLabourRules(Schedule schedule) =>
        RuleCheck.Of(schedule.Agents.SelectMany(a => AgentViolations(schedule, a.Id)));

    /// <summary>Every labour rule, skill, time-off and period rule for one agent's shifts.</summary>
    public static RuleCheck ValidateAgent(Schedule schedule, string agentId) =>
        RuleCheck.Of(AgentViolations(schedule, agentId));

    public static RuleCheck ValidateShiftLength(Schedule schedule, string agentId) =>
        RuleCheck.Of(ShiftLength(schedule, agentId, SortedShifts(schedule, agentId)));

    public static RuleCheck ValidateRest(Schedule schedule, string agentId) =>
        RuleCheck.Of(Rest(schedule, agentId, SortedShifts(schedule, agentId)));

    public static RuleCheck ValidateOneShiftPerDay(Schedule schedule, string agentId) =>
        RuleCheck.Of(OneShiftPerDay(agentId, SortedShifts(schedule, agentId)));

    public static RuleCheck ValidateWeeklyHours(Schedule schedule, string agentId) =>
        RuleCheck.Of(WeeklyHours(schedule, agentId, SortedShifts(schedule, agentId)));

    public static RuleCheck ValidateConsecutiveDays(Schedule schedule, string agentId) =>
        RuleCheck.Of(ConsecutiveDays(schedule, agentId, SortedShifts(schedule, agentId)));

    public static RuleCheck ValidateSkills(Schedule schedule, string agentId) =>
        RuleCheck.Of(Skills(schedule, agentId, SortedShifts(schedule, agentId)));

    public static RuleCheck ValidateTimeOff(Schedule schedule, string agentId) =>
        RuleCheck.Of(TimeOffClashes(schedule, agentId, SortedShifts(schedule, agentId)));

    /// <summary>Whether the agent's shifts lie in the agent's availability windows (suggestions keep this; own claims need not).</summary>
    public static RuleCheck ValidateAvailability(Schedule schedule, string agentId) =>
        RuleCheck.Of(Availability(schedule, agentId, SortedShifts(schedule, agentId)));

    /// <summary>Every interval where fewer qualified agents are on shift than the activity needs.</summary>
    public static RuleCheck ValidateCoverage(Schedule schedule)
    {
        var grid = CoverageGrid.Build(schedule);
        var violations = new List<Violation>();
        foreach (var activity in CoverageGrid.Activities)
        {
            for (var i = 0; i < schedule.Period.IntervalCount; i++)
            {
                var at = grid.Index(activity, i);
                if (grid.Scheduled[at] < grid.Need[at])
                {
                    violations.Add(new CoverageBelowNeed(activity, schedule.Period.IntervalStart(i), grid.Scheduled[at], grid.Need[at]));
                }
            }
        }

        return RuleCheck.Of(violations);
    }

    /// <summary>Every interval whose coverage a change lowers to below the need.</summary>
    public static RuleCheck ValidateCoverageChange(Schedule before, Schedule after)
    {
        var was = CoverageGrid.Build(before);
        var now = CoverageGrid.Build(after);
        var violations = new List<Violation>();
        foreach (var activity in CoverageGrid.Activities)
        {
            for (var i = 0; i < after.Period.IntervalCount; i++)
            {
                var at = now.Index(activity, i);
                if (now.Scheduled[at] < now.Need[at] && now.Scheduled[at] < was.Scheduled[at])
                {
                    violations.Add(new CoverageWouldDrop(activity, after.Period.IntervalStart(i), was.Scheduled[at], now.Scheduled[at], now.Need[at]));
                }
            }
        }

        return RuleCheck.Of(violations);
    }

    /// <summary>What a change newly breaks for the given agents: violations present after it and not before.</summary>
    public static RuleCheck ValidateChange(Schedule before, Schedule after, IEnumerable<string> agentIds)
    {
        var violations = new List<Violation>();
        foreach (var agentId in agentIds.Distinct(StringComparer.Ordinal))
        {
            var existing = AgentViolations(before, agentId).ToHashSet();
            violations.AddRange(AgentViolations(after, agentId).Where(v => !existing.Contains(v)));
        }

        return RuleCheck.Of(violations);
    }

    /// <summary>The rest between two shifts, in elapsed time (daylight-saving aware); negative when they overlap.</summary>
    public static TimeSpan RestBetween(SchedulePeriod period, Shift earlier, Shift later) =>
        RestBetween(period, earlier.EndsAt, later.StartsAt);

    internal static TimeSpan RestBetween(SchedulePeriod period, DateTime earlierEnd, DateTime laterStart) =>
        ScheduleTime.Elapsed(period, earlierEnd, laterStart);

    internal static IEnumerable<Violation> AgentViolations(Schedule schedule, string agentId)
    {
        var shifts = SortedShifts(schedule, agentId);
        return shifts.Count == 0
            ? []
            : Period(schedule, agentId, shifts)
                .Concat(ShiftLength(schedule, agentId, shifts))
                .Concat(OneShiftPerDay(agentId, shifts))
                .Concat(Rest(schedule, agentId, shifts))
                .Concat(WeeklyHours(schedule, agentId, shifts))
                .Concat(ConsecutiveDays(schedule, agentId, shifts))
                .Concat(Skills(schedule, agentId, shifts))
                .Concat(TimeOffClashes(schedule, agentId, shifts));
    }

    private static List<Shift> SortedShifts(Schedule schedule, string agentId)
    {
        var shifts = new List<Shift>();
        foreach (var shift in schedule.Shifts)
        {
            if (shift.AgentId == agentId)
            {
                shifts.Add(shift);
            }
        }

        shifts.Sort((a, b) => a.StartsAt.CompareTo(b.StartsAt));
        return shifts;
    }

    private static IEnumerable<Violation> Period(Schedule schedule, string agentId, List<Shift> shifts) =>
        shifts.Where(s => !schedule.Period.Contains(s.Date))
            .Select(s => new OutsidePeriod(agentId, s.Date, schedule.Period.Start, schedule.Period.End));

    private static IEnumerable<Violation> ShiftLength(Schedule schedule, string agentId, List<Shift> shifts) =>
        shifts.Where(s => s.Length > schedule.Rules.MaxShiftLength)
            .Select(s => new ShiftTooLong(agentId, s.Date, s.Length, schedule.Rules.MaxShiftLength));

    private static IEnumerable<Violation> OneShiftPerDay(string agentId, List<Shift> shifts) =>
        shifts.GroupBy(s => s.Date)
            .Where(g => g.Count() > 1)
            .Select(g => new MoreThanOneShiftADay(agentId, g.Key, g.Count()));

    private static IEnumerable<Violation> Rest(Schedule schedule, string agentId, List<Shift> shifts)
    {
        var minimum = schedule.Rules.MinRestBetweenShifts;
        for (var i = 1; i < shifts.Count; i++)
        {
            var rest = RestBetween(schedule.Period, shifts[i - 1], shifts[i]);
            if (rest < minimum)
            {
                yield return new RestTooShort(agentId, shifts[i].Date, rest < TimeSpan.Zero ? TimeSpan.Zero : rest, minimum);
            }
        }
    }

    private static IEnumerable<Violation> WeeklyHours(Schedule schedule, string agentId, List<Shift> shifts)
    {
        var agent = schedule.FindAgent(agentId);
        var limit = agent is null ? schedule.Rules.MaxWeeklyHours : schedule.Rules.WeeklyLimitFor(agent);
        return shifts.Where(s => schedule.Period.Contains(s.Date))
            .GroupBy(s => schedule.Period.WeekOf(s.Date))
            .Select(g => (Week: g.Key, Hours: g.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Length)))
            .Where(w => w.Hours > limit)
            .Select(w => new WeeklyHoursExceeded(agentId, schedule.Period.WeekStart(w.Week), w.Hours, limit));
    }

    private static IEnumerable<Violation> ConsecutiveDays(Schedule schedule, string agentId, List<Shift> shifts)
    {
        var maximum = schedule.Rules.MaxConsecutiveWorkingDays;
        var days = shifts.Select(s => s.Date).Distinct().Order().ToList();
        var runStart = 0;
        for (var i = 1; i <= days.Count; i++)
        {
            if (i < days.Count && days[i].DayNumber == days[i - 1].DayNumber + 1)
            {
                continue;
            }

            var length = i - runStart;
            if (length > maximum)
            {
                yield return new TooManyConsecutiveDays(agentId, days[runStart], days[i - 1], length, maximum);
            }

            runStart = i;
        }
    }

    private static IEnumerable<Violation> Skills(Schedule schedule, string agentId, List<Shift> shifts)
    {
        var agent = schedule.FindAgent(agentId);
        foreach (var shift in shifts)
        {
            var missing = schedule.SkillsFor(shift.Activity).Where(s => agent is null || !agent.Skills.Contains(s)).ToArray();
            if (missing.Length > 0)
            {
                yield return new MissingSkills(agentId, shift.Activity, shift.Date, string.Join(", ", missing));
            }
        }
    }

    private static IEnumerable<Violation> TimeOffClashes(Schedule schedule, string agentId, List<Shift> shifts)
    {
        foreach (var timeOff in schedule.TimeOff)
        {
            if (timeOff.AgentId != agentId)
            {
                continue;
            }

            foreach (var shift in shifts)
            {
                if (timeOff.Overlaps(shift))
                {
                    yield return new DuringTimeOff(agentId, shift.Date, timeOff.Id);
                }
            }
        }
    }

    private static IEnumerable<Violation> Availability(Schedule schedule, string agentId, List<Shift> shifts)
    {
        var agent = schedule.FindAgent(agentId);
        if (agent is null || agent.Availability.Count == 0)
        {
            return [];
        }

        return shifts.Where(s => !IsAvailable(agent, s.StartsAt, s.EndsAt))
            .Select(s => new OutsideAvailability(agentId, s.Date, s.Start));
    }

    internal static bool IsAvailable(Agent agent, DateTime from, DateTime until)
    {
        if (agent.Availability.Count == 0)
        {
            return true;
        }

        for (var at = from; at < until; at = at.AddMinutes(SchedulePeriod.IntervalMinutes))
        {
            if (!agent.Availability.Any(w => w.Holds(at)))
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<Violation> SetupViolations(Schedule schedule)
    {
        var period = schedule.Period;
        if (period.Weeks is < SchedulePeriod.MinWeeks or > SchedulePeriod.MaxWeeks)
        {
            yield return new InvalidSetup($"a schedule period is 2 to 4 weeks, not {period.Weeks}");
        }

        if (ScheduleTime.FindZone(period.TimeZone) is null)
        {
            yield return new InvalidSetup($"time zone '{period.TimeZone}' is neither an IANA id, UTC nor an offset like +01:00");
        }

        var rules = schedule.Rules;
        if (rules.MaxShiftLength <= TimeSpan.Zero || rules.MaxWeeklyHours <= TimeSpan.Zero
            || rules.MinRestBetweenShifts < TimeSpan.Zero || rules.MaxConsecutiveWorkingDays < 1)
        {
            yield return new InvalidSetup("labour rules need a positive shift length, weekly hours and consecutive days, and a rest of zero or more");
        }

        foreach (var id in Duplicates(schedule.Templates.Select(t => t.Id)))
        {
            yield return new InvalidSetup($"template id {id} is used twice");
        }

        foreach (var template in schedule.Templates)
        {
            if (!OnInterval(template.Start) || !OnInterval(template.Length) || template.Length <= TimeSpan.Zero || template.Length > TimeSpan.FromHours(24))
            {
                yield return new InvalidSetup($"template {template.Id} must start and last in whole 30-minute intervals, up to 24 h");
            }
            else if (template.Length > rules.MaxShiftLength)
            {
                yield return new InvalidSetup($"template {template.Id} is {Violation.FormatHours(template.Length)} h > the {Violation.FormatHours(rules.MaxShiftLength)} h maximum shift length");
            }
        }

        foreach (var need in schedule.Needs)
        {
            if (!OnInterval(need.From) || !OnInterval(need.Until) || need.EndsAt <= need.StartsAt || need.Agents < 0)
            {
                yield return new InvalidSetup($"need for {need.Activity} on {Violation.FormatDay(need.Date)} must cover whole 30-minute intervals with a count of 0 or more");
            }
            else if (!period.Contains(need.Date))
            {
                yield return new OutsidePeriod(null, need.Date, period.Start, period.End);
            }
        }

        foreach (var id in Duplicates(schedule.Agents.Select(a => a.Id)))
        {
            yield return new InvalidSetup($"agent id {id} is used twice");
        }

        foreach (var agent in schedule.Agents.Where(a => a.ContractedWeeklyHours < TimeSpan.Zero || a.MaxWeeklyHours < TimeSpan.Zero))
        {
            yield return new InvalidSetup($"agent {agent.Id} has negative weekly hours");
        }

        foreach (var activity in Duplicates(schedule.ActivitySkills.Select(s => s.Activity.ToString())))
        {
            yield return new InvalidSetup($"skills for {activity} are given twice");
        }

        foreach (var id in Duplicates(schedule.Shifts.Select(s => s.Id.ToString())))
        {
            yield return new InvalidSetup($"shift id {id} is used twice");
        }

        foreach (var shift in schedule.Shifts.Where(s => s.AgentId is not null && schedule.FindAgent(s.AgentId) is null))
        {
            yield return new InvalidSetup($"shift {shift.Id} belongs to unknown agent {shift.AgentId}");
        }

        foreach (var timeOff in schedule.TimeOff.Where(t => t.Until <= t.From || schedule.FindAgent(t.AgentId) is null))
        {
            yield return new InvalidSetup($"time off {timeOff.Id} needs a known agent and an end after its start");
        }
    }

    private static IEnumerable<string> Duplicates(IEnumerable<string> ids) =>
        ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);

    private static bool OnInterval(TimeOnly time) => time.Second == 0 && time.Millisecond == 0 && time.Minute % SchedulePeriod.IntervalMinutes == 0;

    private static bool OnInterval(TimeSpan span) => span.Ticks % TimeSpan.FromMinutes(SchedulePeriod.IntervalMinutes).Ticks == 0;
}
