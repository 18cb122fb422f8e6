using Google.OrTools.Sat;

namespace Agile.CustomerService.Scheduling;

/// <summary>
/// The CP-SAT model of a schedule: one Boolean per (agent, day, template) the agent may take given the hard rules
/// and the claims already made; coverage through per-(day, template) counts; the three objective tiers.
/// </summary>
internal sealed class SuggestionModel
{
    private const int Unit = SchedulePeriod.IntervalMinutes;

    private readonly Schedule schedule;
    private readonly List<Agent> fairAgents;
    private readonly Dictionary<string, List<int>> candidatesOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FixedLoad> fixedLoads = new(StringComparer.Ordinal);
    private readonly List<(IntVar Var, List<int> Candidates)> counts = [];
    private readonly List<(IntVar Var, int Residual, List<int> Counts)> shortfalls = [];
    private readonly List<int>[][][] restConflicts;
    private readonly List<(IntVar Var, Func<CpSolver, long> Value)> unhinted = [];
    private LinearExpr[]? deviations;

    public SuggestionModel(Schedule schedule)
    {
        this.schedule = schedule;
        fairAgents = [.. schedule.Agents.Where(a => CoverageReport.Counts(schedule, a))];
        var period = schedule.Period;
        var rules = schedule.Rules;
        var templates = schedule.Templates.Where(t => t.Length > TimeSpan.Zero && t.Length <= rules.MaxShiftLength).ToArray();
        var conflicts = FindRestConflicts(period, templates, rules.MinRestBetweenShifts);
        restConflicts = conflicts;

        foreach (var agent in schedule.Agents)
        {
            var load = FixedLoad.Of(schedule, agent);
            fixedLoads[agent.Id] = load;
            var mine = new List<int>();
            candidatesOf[agent.Id] = mine;
            var limit = rules.WeeklyLimitFor(agent);
            for (var day = 0; day < period.Days; day++)
            {
                var date = period.Start.AddDays(day);
                if (load.Days.Contains(date))
                {
                    continue;
                }

                for (var t = 0; t < templates.Length; t++)
                {
                    var template = templates[t];
                    var shift = Shift.FromTemplate(Guid.Empty, agent.Id, date, template);
                    if (schedule.IsQualified(agent, template.Activity)
                        && load.WeekMinutes[period.WeekOf(date)] + template.Length.TotalMinutes <= limit.TotalMinutes
                        && ScheduleRules.IsAvailable(agent, shift.StartsAt, shift.EndsAt)
                        && !schedule.TimeOffOf(agent.Id).Any(o => o.Overlaps(shift))
                        && load.Shifts.All(f => RestHolds(period, rules.MinRestBetweenShifts, f, shift)))
                    {
                        mine.Add(Candidates.Count);
                        Candidates.Add(new Candidate(agent, day, date, t, template, Cp.NewBoolVar(string.Empty)));
                    }
                }
            }

            AddAgentRules(agent, mine, load, conflicts);
        }

        AddCoverage(templates);
    }

    public CpModel Cp { get; } = new();

    public Schedule Schedule => schedule;

    public List<int>[][][] RestConflicts => restConflicts;

    /// <summary>Minutes the agent's claims already take in each period week, and the days they take.</summary>
    public (double[] WeekMinutes, HashSet<DateOnly> Days) Claimed(string agentId) =>
        (fixedLoads[agentId].WeekMinutes, fixedLoads[agentId].Days);

    public List<Candidate> Candidates { get; } = [];

    /// <summary>Tier 1: agent-intervals of need not covered.</summary>
    public LinearExpr Shortfall => LinearExpr.Sum(shortfalls.Select(s => (LinearExpr)s.Var));

    /// <summary>Tier 2: max-min spread of hours against target (half hours), weekend days and late shifts (each weighted as one shift).</summary>
    public LinearExpr Unfairness()
    {
        if (fairAgents.Count == 0)
        {
            return LinearExpr.Constant(0);
        }

        var bound = schedule.Period.IntervalCount;
        var deviation = Deviations();
        var weekend = fairAgents.Where(a => CoverageReport.CanWorkWeekends(schedule, a))
            .Select(a => Count(a, c => c.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday, fixedLoads[a.Id].WeekendDays)).ToArray();
        var late = fairAgents.Where(a => CoverageReport.CanWorkLate(schedule, a))
            .Select(a => Count(a, IsLate, fixedLoads[a.Id].LateShifts)).ToArray();
        return Spread(deviation, -bound, bound) + (ShiftSuggestions.ShiftWeight * Spread(weekend, 0, schedule.Period.Days))
            + (ShiftSuggestions.ShiftWeight * Spread(late, 0, schedule.Period.Days));
    }

    /// <summary>Agent-intervals (half hours) on shift: what covering the need costs; minimising it keeps surplus shifts out.</summary>
    public LinearExpr ScheduledHalfHours() =>
        LinearExpr.WeightedSum(Candidates.Select(c => c.Var), Candidates.Select(c => (long)(c.Template.Length.TotalMinutes / Unit)));

    /// <summary>Tier 3: preferences the suggested shifts leave unmet (avoided or not preferred days and templates).</summary>
    public LinearExpr UnmetPreferences()
    {
        var preferences = LinearExpr.NewBuilder();
        foreach (var candidate in Candidates)
        {
            var unmet = candidate.Agent.Preferences.Unmet(candidate.Date, candidate.Template.Id);
            if (unmet > 0)
            {
                preferences.AddTerm(candidate.Var, unmet);
            }
        }

        return preferences;
    }

    /// <summary>Hint the solver with a start (the greedy one): shifts, their counts and the shortfall they leave.</summary>
    public void Hint(bool[] chosen)
    {
        for (var c = 0; c < Candidates.Count; c++)
        {
            Cp.AddHint(Candidates[c].Var, chosen[c]);
        }

        var values = counts.Select(n => (long)n.Candidates.Count(c => chosen[c])).ToArray();
        for (var i = 0; i < counts.Count; i++)
        {
            Cp.AddHint(counts[i].Var, values[i]);
        }

        foreach (var (var, residual, covering) in shortfalls)
        {
            Cp.AddHint(var, Math.Max(0, residual - covering.Sum(n => values[n])));
        }
    }

    /// <summary>
    /// Hint every variable with the solution <paramref name="solver"/> found, completing the variables added since
    /// (the next stage's spreads and distances) from it, so the next stage starts from a complete feasible solution.
    /// </summary>
    public void HintFrom(CpSolver solver)
    {
        var hint = new PartialVariableAssignment();
        var solution = solver.Response?.Solution ?? [];
        hint.Vars.AddRange(Enumerable.Range(0, solution.Count));
        hint.Values.AddRange(solution);
        foreach (var (var, value) in unhinted)
        {
            hint.Vars.Add(var.GetIndex());
            hint.Values.Add(value(solver));
        }

        unhinted.Clear();
        Cp.Model.SolutionHint = hint;
    }

    public bool[] Read(CpSolver solver) => [.. Candidates.Select(c => solver.BooleanValue(c.Var))];

    /// <summary>
    /// A feasible start for the solver: first the shift counts <paramref name="targets"/> (scarcest slots first), then
    /// again and again the (day, template) that covers the most short intervals; each shift goes to the qualified
    /// agent furthest below target hours who can still take it under the labour rules.
    /// </summary>
    public (bool[] Chosen, int Shortfall) Greedy(IReadOnlyDictionary<(int Day, int Template), int> targets)
    {
        var period = schedule.Period;
        var grid = CoverageGrid.Build(schedule);
        var residual = new int[grid.Need.Length];
        for (var i = 0; i < residual.Length; i++)
        {
            residual[i] = Math.Max(0, grid.Need[i] - grid.Scheduled[i]);
        }

        var states = schedule.Agents.ToDictionary(
            a => a.Id,
            a => new GreedyState(
                [.. fixedLoads[a.Id].Days.Where(period.Contains).Select(period.DayIndex)],
                [],
                (double[])fixedLoads[a.Id].WeekMinutes.Clone(),
                fixedLoads[a.Id].Minutes,
                CoverageReport.TargetHours(schedule, a).TotalMinutes,
                schedule.Rules.WeeklyLimitFor(a).TotalMinutes),
            StringComparer.Ordinal);
        var slots = Candidates.Select((c, i) => (c, i))
            .GroupBy(x => (x.c.Day, x.c.TemplateIndex))
            .Select(g =>
            {
                var template = g.First().c.Template;
                var start = g.First().c.Date.ToDateTime(template.Start);
                var (first, end) = period.IntervalRange(start, start + template.Length);
                return (Offset: grid.Index(template.Activity, 0), First: first, End: end, Members: g.Select(x => x.i).ToList());
            })
            .ToList();
        var chosen = new bool[Candidates.Count];
        void Take(int pick, int offset, int first, int end)
        {
            chosen[pick] = true;
            var candidate = Candidates[pick];
            var state = states[candidate.Agent.Id];
            state.Days.Add(candidate.Day);
            state.Chosen[candidate.Day] = candidate.TemplateIndex;
            state.WeekMinutes[candidate.Day / 7] += candidate.Template.Length.TotalMinutes;
            state.Minutes += candidate.Template.Length.TotalMinutes;
            state.WeekendDays += candidate.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0;
            state.LateShifts += IsLate(candidate) ? 1 : 0;
            for (var i = first; i < end; i++)
            {
                residual[offset + i] = Math.Max(0, residual[offset + i] - 1);
            }
        }

        // The agent furthest below target hours, less 8 h for each weekend day or late shift already taken
        // when this is one: the start the solver improves on is already fair-ish.
        double Fairness(int c)
        {
            var (candidate, state) = (Candidates[c], states[Candidates[c].Agent.Id]);
            var weekend = candidate.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            return ((state.Target - state.Minutes) / 60)
                - (weekend ? 8 * state.WeekendDays : 0)
                - (IsLate(candidate) ? 8 * state.LateShifts : 0);
        }

        int Pick(List<int> members) => members
            .Where(c => !chosen[c] && CanTake(states[Candidates[c].Agent.Id], Candidates[c]))
            .OrderByDescending(Fairness)
            .DefaultIfEmpty(-1)
            .First();

        // First the shift counts of the relaxation, scarcest slots first; then whatever gaps remain.
        foreach (var slot in slots.OrderBy(s => s.Members.Count))
        {
            var key = (Candidates[slot.Members[0]].Day, Candidates[slot.Members[0]].TemplateIndex);
            for (var n = targets.GetValueOrDefault(key); n > 0; n--)
            {
                var pick = Pick(slot.Members);
                if (pick < 0)
                {
                    break;
                }

                Take(pick, slot.Offset, slot.First, slot.End);
            }
        }

        while (slots.Count > 0)
        {
            var (best, bestScore) = (-1, 0);
            for (var s = 0; s < slots.Count; s++)
            {
                var (offset, first, end, _) = slots[s];
                var covered = 0;
                for (var i = first; i < end; i++)
                {
                    covered += residual[offset + i] > 0 ? 1 : 0;
                }

                var score = covered == 0 ? 0 : (covered * 1000) - (end - first - covered);
                if (score > bestScore)
                {
                    (best, bestScore) = (s, score);
                }
            }

            if (best < 0)
            {
                break;
            }

            var slot = slots[best];
            var pick = Pick(slot.Members);
            if (pick < 0)
            {
                slots.RemoveAt(best);
                continue;
            }

            Take(pick, slot.Offset, slot.First, slot.End);
        }

        return (chosen, residual.Sum());
    }

    private static bool IsLate(Candidate candidate) => Shift.FromTemplate(Guid.Empty, null, candidate.Date, candidate.Template).IsLate;

    private bool CanTake(GreedyState state, Candidate candidate)
    {
        var day = candidate.Day;
        if (state.Days.Contains(day) || state.WeekMinutes[day / 7] + candidate.Template.Length.TotalMinutes > state.Limit)
        {
            return false;
        }

        var run = 1;
        for (var d = day - 1; state.Days.Contains(d); d--)
        {
            run++;
        }

        for (var d = day + 1; state.Days.Contains(d); d++)
        {
            run++;
        }

        if (run > schedule.Rules.MaxConsecutiveWorkingDays)
        {
            return false;
        }

        for (var k = 1; k <= 3; k++)
        {
            if (state.Chosen.TryGetValue(day + k, out var later) && restConflicts[day][candidate.TemplateIndex][k - 1].Contains(later))
            {
                return false;
            }

            if (state.Chosen.TryGetValue(day - k, out var earlier) && restConflicts[day - k][earlier][k - 1].Contains(candidate.TemplateIndex))
            {
                return false;
            }
        }

        return true;
    }

    private static bool RestHolds(SchedulePeriod period, TimeSpan minimum, Shift a, Shift b)
    {
        var (earlier, later) = a.StartsAt <= b.StartsAt ? (a, b) : (b, a);
        return ScheduleRules.RestBetween(period, earlier, later) >= minimum;
    }

    /// <summary>conflicts[day][t][k - 1] = templates on day + k that break the rest after template t on day.</summary>
    private static List<int>[][][] FindRestConflicts(SchedulePeriod period, ShiftTemplate[] templates, TimeSpan minimum)
    {
        const int Reach = 3;
        var conflicts = new List<int>[period.Days][][];
        for (var day = 0; day < period.Days; day++)
        {
            conflicts[day] = new List<int>[templates.Length][];
            for (var t = 0; t < templates.Length; t++)
            {
                conflicts[day][t] = new List<int>[Reach];
                var shift = Shift.FromTemplate(Guid.Empty, null, period.Start.AddDays(day), templates[t]);
                for (var k = 1; k <= Reach; k++)
                {
                    conflicts[day][t][k - 1] = [];
                    if (day + k >= period.Days)
                    {
                        continue;
                    }

                    for (var u = 0; u < templates.Length; u++)
                    {
                        var next = Shift.FromTemplate(Guid.Empty, null, period.Start.AddDays(day + k), templates[u]);
                        if (ScheduleRules.RestBetween(period, shift, next) < minimum)
                        {
                            conflicts[day][t][k - 1].Add(u);
                        }
                    }
                }
            }
        }

        return conflicts;
    }

    private void AddAgentRules(Agent agent, List<int> mine, FixedLoad load, List<int>[][][] conflicts)
    {
        var period = schedule.Period;
        var byDay = new Dictionary<int, List<int>>();
        var bySlot = new Dictionary<(int Day, int Template), int>();
        foreach (var c in mine)
        {
            var candidate = Candidates[c];
            bySlot[(candidate.Day, candidate.TemplateIndex)] = c;
            if (!byDay.TryGetValue(candidate.Day, out var list))
            {
                byDay[candidate.Day] = list = [];
            }

            list.Add(c);
        }

        foreach (var list in byDay.Values.Where(l => l.Count > 1))
        {
            Cp.AddAtMostOne(list.Select(c => Candidates[c].Var));
        }

        foreach (var c in mine)
        {
            var candidate = Candidates[c];
            var reach = conflicts[candidate.Day][candidate.TemplateIndex];
            for (var k = 0; k < reach.Length; k++)
            {
                var clashing = reach[k].Select(u => bySlot.GetValueOrDefault((candidate.Day + k + 1, u), -1)).Where(x => x >= 0).ToList();
                if (clashing.Count > 0)
                {
                    Cp.AddAtMostOne([candidate.Var, .. clashing.Select(x => Candidates[x].Var)]);
                }
            }
        }

        var limit = (long)schedule.Rules.WeeklyLimitFor(agent).TotalMinutes;
        foreach (var week in mine.GroupBy(c => Candidates[c].Day / 7))
        {
            var hours = LinearExpr.WeightedSum(week.Select(c => Candidates[c].Var), week.Select(c => (long)Candidates[c].Template.Length.TotalMinutes));
            Cp.Add(hours <= Math.Max(0, limit - (long)load.WeekMinutes[week.Key]));
        }

        var maximum = schedule.Rules.MaxConsecutiveWorkingDays;
        for (var start = 0; start + maximum < period.Days; start++)
        {
            var window = Enumerable.Range(start, maximum + 1).ToArray();
            var vars = window.SelectMany(d => byDay.GetValueOrDefault(d) ?? []).Select(c => Candidates[c].Var).ToList();
            if (vars.Count == 0)
            {
                continue;
            }

            var worked = window.Count(d => load.Days.Contains(period.Start.AddDays(d)));
            Cp.Add(LinearExpr.Sum(vars) <= Math.Max(0, maximum - worked));
        }
    }

    private void AddCoverage(ShiftTemplate[] templates)
    {
        var period = schedule.Period;
        var grid = CoverageGrid.Build(schedule);
        var coverers = new List<int>[grid.Need.Length];
        foreach (var slot in Candidates.Select((c, i) => (c, i)).GroupBy(x => (x.c.Day, x.c.TemplateIndex)))
        {
            var template = templates[slot.Key.TemplateIndex];
            var members = slot.Select(x => x.i).ToList();
            var count = Cp.NewIntVar(0, members.Count, string.Empty);
            Cp.Add(count == LinearExpr.Sum(members.Select(m => Candidates[m].Var)));
            counts.Add((count, members));
            var start = period.Start.AddDays(slot.Key.Day).ToDateTime(template.Start);
            var (first, end) = period.IntervalRange(start, start + template.Length);
            for (var i = first; i < end; i++)
            {
                (coverers[grid.Index(template.Activity, i)] ??= []).Add(counts.Count - 1);
            }
        }

        for (var at = 0; at < grid.Need.Length; at++)
        {
            var residual = grid.Need[at] - grid.Scheduled[at];
            if (residual <= 0)
            {
                continue;
            }

            var shortfall = Cp.NewIntVar(0, residual, string.Empty);
            var covering = coverers[at] ?? [];
            Cp.Add(shortfall + LinearExpr.Sum(covering.Select(n => (LinearExpr)counts[n].Var)) >= residual);
            shortfalls.Add((shortfall, residual, covering));
        }
    }

    private LinearExpr[] Deviations() => deviations ??= [.. fairAgents.Select(agent =>
    {
        var target = (long)Math.Round(CoverageReport.TargetHours(schedule, agent).TotalMinutes / Unit);
        var mine = candidatesOf[agent.Id];
        return LinearExpr.WeightedSum(mine.Select(c => Candidates[c].Var), mine.Select(c => (long)(Candidates[c].Template.Length.TotalMinutes / Unit)))
            + ((long)Math.Round(fixedLoads[agent.Id].Minutes / Unit) - target);
    })];

    private LinearExpr Count(Agent agent, Func<Candidate, bool> which, int fixedCount)
    {
        var chosen = candidatesOf[agent.Id].Where(c => which(Candidates[c])).Select(c => Candidates[c].Var).ToList();
        return LinearExpr.Sum(chosen) + fixedCount;
    }

    private LinearExpr Spread(LinearExpr[] values, long low, long high)
    {
        if (values.Length < 2)
        {
            return LinearExpr.Constant(0);
        }

        var max = Cp.NewIntVar(low, high, string.Empty);
        var min = Cp.NewIntVar(low, high, string.Empty);
        unhinted.Add((max, solver => values.Max(solver.Value)));
        unhinted.Add((min, solver => values.Min(solver.Value)));
        foreach (var value in values)
        {
            Cp.Add(max >= value);
            Cp.Add(min <= value);
        }

        return max - min;
    }

    private sealed class GreedyState(HashSet<int> days, Dictionary<int, int> chosen, double[] weekMinutes, double minutes, double target, double limit)
    {
        public HashSet<int> Days { get; } = days;

        public Dictionary<int, int> Chosen { get; } = chosen;

        public double[] WeekMinutes { get; } = weekMinutes;

        public double Minutes { get; set; } = minutes;

        public double Target { get; } = target;

        public double Limit { get; } = limit;

        public int WeekendDays { get; set; }

        public int LateShifts { get; set; }
    }

    internal sealed record Candidate(Agent Agent, int Day, DateOnly Date, int TemplateIndex, ShiftTemplate Template, BoolVar Var);

    /// <summary>What an agent's claimed shifts already take: days, minutes per week, weekends, late shifts.</summary>
    private sealed record FixedLoad(List<Shift> Shifts, HashSet<DateOnly> Days, double[] WeekMinutes, double Minutes, int WeekendDays, int LateShifts)
    {
        public static FixedLoad Of(Schedule schedule, Agent agent)
        {
            var period = schedule.Period;
            var shifts = schedule.ShiftsOf(agent.Id).ToList();
            var inPeriod = shifts.Where(s => period.Contains(s.Date)).ToList();
            var weeks = new double[period.Weeks];
            foreach (var shift in inPeriod)
            {
                weeks[period.WeekOf(shift.Date)] += shift.Length.TotalMinutes;
            }

            return new FixedLoad(
                shifts,
                [.. shifts.Select(s => s.Date)],
                weeks,
                inPeriod.Sum(s => s.Length.TotalMinutes),
                inPeriod.Where(s => s.IsWeekend).Select(s => s.Date).Distinct().Count(),
                inPeriod.Count(s => s.IsLate));
        }
    }
}
