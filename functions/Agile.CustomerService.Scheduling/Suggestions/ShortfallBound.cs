using Google.OrTools.Sat;

namespace Agile.CustomerService.Scheduling;

/// <summary>
/// A proven lower bound on the shortfall from a small relaxation: whole shifts per (day, template) instead of per
/// agent, limited only by what the team can give in total (agents per day and activity, weekly hours per skill
/// group, days in a row, rest between a day's shift and the next day's). Every schedule keeping the hard rules is a
/// solution of the relaxation, so its bound holds for the full problem; it is far tighter than the full model's
/// linear relaxation because the shift counts stay whole.
/// </summary>
internal static class ShortfallBound
{
    public static (SolveStage Stage, int BestBound, Dictionary<(int Day, int Template), int> Counts) Solve(SuggestionModel model, TimeSpan limit, SuggestionOptions options)
    {
        var schedule = model.Schedule;
        var period = schedule.Period;
        var cp = new CpModel();
        var slots = model.Candidates.GroupBy(c => (c.Day, c.TemplateIndex)).ToDictionary(
            g => g.Key,
            g => (Var: cp.NewIntVar(0, g.Count(), string.Empty), Agents: g.Select(c => c.Agent.Id).ToHashSet(StringComparer.Ordinal), Template: g.First().Template));

        AddDayLimits(cp, slots, period);
        AddWeekLimits(cp, slots, model);
        AddConsecutiveLimits(cp, slots, model);
        AddRestLimits(cp, slots, model.RestConflicts);
        var shortfall = AddCoverage(cp, slots, schedule);

        cp.Minimize(shortfall);
        using var solver = ShiftSuggestions.NewSolver(limit, options);
        var status = solver.Solve(cp);
        var stage = ShiftSuggestions.Stage("bound", status, solver);
        var found = status is CpSolverStatus.Optimal or CpSolverStatus.Feasible;
        return (
            stage,
            found ? (int)Math.Max(0, stage.BestBound) : 0,
            found ? slots.ToDictionary(s => s.Key, s => (int)solver.Value(s.Value.Var)) : []);
    }

    private static readonly ShiftActivity[][] ActivityGroups =
    [
        .. Enumerable.Range(1, (1 << CoverageGrid.Activities.Length) - 1)
            .Select(mask => CoverageGrid.Activities.Where((_, i) => (mask & (1 << i)) != 0).ToArray()),
    ];

    private static void AddDayLimits(CpModel cp, Dictionary<(int Day, int Template), (IntVar Var, HashSet<string> Agents, ShiftTemplate Template)> slots, SchedulePeriod period)
    {
        for (var day = 0; day < period.Days; day++)
        {
            foreach (var group in ActivityGroups)
            {
                var members = slots.Where(s => s.Key.Day == day && group.Contains(s.Value.Template.Activity)).ToList();
                if (members.Count > 1)
                {
                    var agents = members.SelectMany(m => m.Value.Agents).Distinct(StringComparer.Ordinal).Count();
                    cp.Add(LinearExpr.Sum(members.Select(m => (LinearExpr)m.Value.Var)) <= agents);
                }
            }
        }
    }

    private static void AddWeekLimits(CpModel cp, Dictionary<(int Day, int Template), (IntVar Var, HashSet<string> Agents, ShiftTemplate Template)> slots, SuggestionModel model)
    {
        var schedule = model.Schedule;
        for (var week = 0; week < schedule.Period.Weeks; week++)
        {
            foreach (var group in ActivityGroups)
            {
                var members = slots.Where(s => s.Key.Day / 7 == week && group.Contains(s.Value.Template.Activity)).ToList();
                if (members.Count == 0)
                {
                    continue;
                }

                var capacity = members.SelectMany(m => m.Value.Agents).Distinct(StringComparer.Ordinal).Sum(id =>
                {
                    var agent = schedule.FindAgent(id)!;
                    return (long)Math.Max(0, schedule.Rules.WeeklyLimitFor(agent).TotalMinutes - model.Claimed(id).WeekMinutes[week]);
                });
                cp.Add(LinearExpr.WeightedSum(members.Select(m => m.Value.Var), members.Select(m => (long)m.Value.Template.Length.TotalMinutes)) <= capacity);
            }
        }
    }

    private static void AddConsecutiveLimits(CpModel cp, Dictionary<(int Day, int Template), (IntVar Var, HashSet<string> Agents, ShiftTemplate Template)> slots, SuggestionModel model)
    {
        var schedule = model.Schedule;
        var period = schedule.Period;
        var maximum = schedule.Rules.MaxConsecutiveWorkingDays;
        for (var start = 0; start + maximum < period.Days; start++)
        {
            var members = slots.Where(s => s.Key.Day >= start && s.Key.Day <= start + maximum).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var capacity = members.SelectMany(m => m.Value.Agents).Distinct(StringComparer.Ordinal).Sum(id =>
            {
                var claimed = Enumerable.Range(start, maximum + 1).Count(d => model.Claimed(id).Days.Contains(period.Start.AddDays(d)));
                var open = members.Where(m => m.Value.Agents.Contains(id)).Select(m => m.Key.Day).Distinct().Count();
                return (long)Math.Min(open, Math.Max(0, maximum - claimed));
            });
            cp.Add(LinearExpr.Sum(members.Select(m => (LinearExpr)m.Value.Var)) <= capacity);
        }
    }

    private static void AddRestLimits(CpModel cp, Dictionary<(int Day, int Template), (IntVar Var, HashSet<string> Agents, ShiftTemplate Template)> slots, List<int>[][][] conflicts)
    {
        foreach (var ((day, template), slot) in slots)
        {
            var reach = conflicts[day][template];
            for (var k = 0; k < reach.Length; k++)
            {
                var clashing = reach[k].Where(u => slots.ContainsKey((day + k + 1, u))).Select(u => slots[(day + k + 1, u)]).ToList();
                if (clashing.Count == 0)
                {
                    continue;
                }

                var agents = slot.Agents.Concat(clashing.SelectMany(c => c.Agents)).Distinct(StringComparer.Ordinal).Count();
                cp.Add(slot.Var + LinearExpr.Sum(clashing.Select(c => (LinearExpr)c.Var)) <= agents);
            }
        }
    }

    private static LinearExpr AddCoverage(CpModel cp, Dictionary<(int Day, int Template), (IntVar Var, HashSet<string> Agents, ShiftTemplate Template)> slots, Schedule schedule)
    {
        var period = schedule.Period;
        var grid = CoverageGrid.Build(schedule);
        var coverers = new List<IntVar>[grid.Need.Length];
        foreach (var ((day, _), slot) in slots)
        {
            var start = period.Start.AddDays(day).ToDateTime(slot.Template.Start);
            var (first, end) = period.IntervalRange(start, start + slot.Template.Length);
            for (var i = first; i < end; i++)
            {
                (coverers[grid.Index(slot.Template.Activity, i)] ??= []).Add(slot.Var);
            }
        }

        var shortfalls = new List<LinearExpr>();
        for (var at = 0; at < grid.Need.Length; at++)
        {
            var residual = grid.Need[at] - grid.Scheduled[at];
            if (residual <= 0)
            {
                continue;
            }

            var shortfall = cp.NewIntVar(0, residual, string.Empty);
            cp.Add(shortfall + LinearExpr.Sum((coverers[at] ?? []).Select(v => (LinearExpr)v)) >= residual);
            shortfalls.Add(shortfall);
        }

        return LinearExpr.Sum(shortfalls);
    }
}
