using System.Globalization;
using Google.OrTools.Sat;

namespace Agile.CustomerService.Scheduling;

/// <summary>
/// CP-SAT suggestions: fill the gaps of a partly claimed schedule, or propose a whole period (a schedule with no
/// shifts). Claims, availability, time off and labour rules are hard; the objective is staged: shortfall first,
/// then unfairness (hours, weekends, late shifts spread) with hours on shift, then unmet preferences.
/// See docs/adr/0301-cp-sat-scheduling.md.
/// </summary>
public static class ShiftSuggestions
{
    /// <summary>Unfairness weight of one weekend day or one late shift of spread, in half hours (one 8 h shift).</summary>
    public const int ShiftWeight = 16;

    /// <summary>
    /// Stage-2 cost of each half hour on shift, against the unfairness units: an extra 8 h shift costs 32, more than
    /// the 16 it could take off any spread, so the solver moves shifts between agents to be fair but adds none.
    /// </summary>
    public const int SurplusWeight = 2;

    public static ShiftSuggestion Suggest(Schedule schedule, SuggestionOptions options, Func<Guid> newId)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(newId);
        var model = new SuggestionModel(schedule);
        var stages = new List<SolveStage>();
        var budget = options.TimeLimit;
        var shortfall = model.Shortfall;
        var relaxed = ShortfallBound.Solve(model, Bounded(budget * 0.15, TimeSpan.FromSeconds(1), budget * 0.3), options);
        var lowerBound = relaxed.BestBound;
        model.Cp.Add(shortfall >= lowerBound);
        stages.Add(relaxed.Stage);
        var plain = model.Greedy(new Dictionary<(int, int), int>());
        var guided = model.Greedy(relaxed.Counts);
        var best = guided.Shortfall < plain.Shortfall ? guided.Chosen : plain.Chosen;
        model.Hint(best);

        using var first = Solve(model, shortfall, "shortfall", Portion(budget, stages, 0.6), options, stages, out var solved);
        if (solved is not null)
        {
            best = solved;
            lowerBound = (int)Math.Max(lowerBound, stages[^1].BestBound);
            model.Cp.Add(shortfall <= stages[^1].Objective);
            var fairness = model.Unfairness() + (SurplusWeight * model.ScheduledHalfHours());
            model.HintFrom(first);

            using var second = Solve(model, fairness, "fairness", Portion(budget, stages, 0.6), options, stages, out solved);
            if (solved is not null)
            {
                best = solved;
                model.Cp.Add(fairness <= stages[^1].Objective);
                var preferences = model.UnmetPreferences();
                model.HintFrom(second);
                using var third = Solve(model, preferences, "preferences", Portion(budget, stages, 1), options, stages, out solved);
                best = solved ?? best;
            }
        }

        return Result(schedule, model, best, lowerBound, stages, newId);
    }

    /// <summary>The stage-2 objective of a schedule: hours spread in half hours, plus weekend-day and late-shift spreads weighted as one shift each.</summary>
    public static long Unfairness(FairnessSpread spread) =>
        (long)Math.Round(spread.Hours.TotalMinutes / SchedulePeriod.IntervalMinutes)
        + (ShiftWeight * (long)spread.WeekendDays) + (ShiftWeight * (long)spread.LateShifts);

    private static TimeSpan Bounded(TimeSpan value, TimeSpan floor, TimeSpan ceiling) =>
        value > floor ? value : floor < ceiling ? floor : ceiling;

    private static TimeSpan Portion(TimeSpan budget, List<SolveStage> stages, double share)
    {
        var left = budget - stages.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.WallTime);
        var portion = left * share;
        return portion < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : portion;
    }

    internal static CpSolver NewSolver(TimeSpan limit, SuggestionOptions options, string extra = "") => new()
    {
        StringParameters = string.Create(
            CultureInfo.InvariantCulture,
            $"max_time_in_seconds:{limit.TotalSeconds:0.###} num_workers:{Math.Max(1, options.Workers)} random_seed:{options.Seed}{extra}"),
    };

    internal static SolveStage Stage(string name, CpSolverStatus status, CpSolver solver)
    {
        var found = status is CpSolverStatus.Optimal or CpSolverStatus.Feasible;
        return new SolveStage(
            name,
            status switch
            {
                CpSolverStatus.Optimal => SolveStatus.Optimal,
                CpSolverStatus.Feasible => SolveStatus.Feasible,
                CpSolverStatus.Infeasible => SolveStatus.Infeasible,
                CpSolverStatus.ModelInvalid => SolveStatus.ModelInvalid,
                _ => SolveStatus.NoSolutionFound,
            },
            found ? (long)Math.Round(solver.ObjectiveValue) : 0,
            found ? (long)Math.Ceiling(solver.BestObjectiveBound - 1e-6) : 0,
            TimeSpan.FromSeconds(solver.WallTime()));
    }

    private static CpSolver Solve(
        SuggestionModel model,
        LinearExpr objective,
        string name,
        TimeSpan limit,
        SuggestionOptions options,
        List<SolveStage> stages,
        out bool[]? solution)
    {
        model.Cp.Minimize(objective);

        // Later stages start from the previous stage's complete solution; skipping presolve lets them improve on it
        // at once instead of spending their share of the time presolving a model that only gained a bound.
        var solver = NewSolver(limit, options, stages.Count > 1 ? " cp_model_presolve:false" : string.Empty);
        var status = solver.Solve(model.Cp);
        var found = status is CpSolverStatus.Optimal or CpSolverStatus.Feasible;
        solution = found ? model.Read(solver) : null;
        stages.Add(Stage(name, status, solver));
        return solver;
    }

    private static ShiftSuggestion Result(
        Schedule schedule,
        SuggestionModel model,
        bool[] chosen,
        int lowerBound,
        List<SolveStage> stages,
        Func<Guid> newId)
    {
        var open = schedule.Shifts.Where(s => s.IsOpen)
            .GroupBy(s => (s.Date, s.Start, s.Length, s.Activity))
            .ToDictionary(g => g.Key, g => new Queue<Shift>(g));
        var suggested = new List<SuggestedShift>();
        for (var c = 0; c < chosen.Length; c++)
        {
            if (!chosen[c])
            {
                continue;
            }

            var candidate = model.Candidates[c];
            var shift = Shift.FromTemplate(Guid.Empty, candidate.Agent.Id, candidate.Date, candidate.Template);
            suggested.Add(open.TryGetValue((shift.Date, shift.Start, shift.Length, shift.Activity), out var queue) && queue.Count > 0
                ? new SuggestedShift(shift with { Id = queue.Dequeue().Id }, ClaimsOpenShift: true)
                : new SuggestedShift(shift with { Id = newId() }, ClaimsOpenShift: false));
        }

        var claimedOpen = suggested.Where(s => s.ClaimsOpenShift).Select(s => s.Shift.Id).ToHashSet();
        var after = schedule with
        {
            Shifts = [.. schedule.Shifts.Where(s => !claimedOpen.Contains(s.Id)), .. suggested.Select(s => s.Shift)],
        };
        var report = CoverageReport.For(after);
        var shortfall = report.Totals.Shortfall;
        var best = report.Totals.Need - lowerBound;
        var status = stages.Any(s => s.Status == SolveStatus.ModelInvalid) ? SolveStatus.ModelInvalid
            : stages.Any(s => s.Status == SolveStatus.Infeasible) ? SolveStatus.Infeasible
            : stages.Count == 4 && stages.Skip(1).All(s => s.Status == SolveStatus.Optimal) ? SolveStatus.Optimal
            : SolveStatus.Feasible;
        return new ShiftSuggestion(
            status,
            suggested,
            after,
            report,
            shortfall,
            Math.Min(lowerBound, shortfall),
            best <= 0 ? 0 : 100.0 * Math.Max(0, shortfall - lowerBound) / best,
            Unfairness(report.Fairness),
            suggested.Sum(s => after.FindAgent(s.Shift.AgentId!)!.Preferences.Unmet(s.Shift.Date, s.Shift.TemplateId)),
            stages,
            stages.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.WallTime));
    }
}
