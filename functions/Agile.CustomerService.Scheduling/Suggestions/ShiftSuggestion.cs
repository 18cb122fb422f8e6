namespace Agile.CustomerService.Scheduling;

/// <summary>How long and how the solver may search. Two workers match the 2-core machines we run on.</summary>
public sealed record SuggestionOptions(TimeSpan TimeLimit, int Workers = 2, int Seed = 1)
{
    public static SuggestionOptions Default { get; } = new(TimeSpan.FromSeconds(10));
}

public enum SolveStatus
{
    /// <summary>Every stage proved optimal.</summary>
    Optimal,

    /// <summary>A solution was found; at least one stage ran out of time before proving it optimal.</summary>
    Feasible,

    /// <summary>No solution within the time limit.</summary>
    NoSolutionFound,

    /// <summary>The hard constraints cannot all hold (does not happen: adding no shift always holds).</summary>
    Infeasible,

    /// <summary>The model was rejected by the solver (a defect here).</summary>
    ModelInvalid,
}

/// <summary>
/// One solve of the staged objective: shortfall, then unfairness, then preferences.
/// <see cref="GapPercent"/> is (objective - bound) / objective.
/// </summary>
public sealed record SolveStage(string Name, SolveStatus Status, long Objective, long BestBound, TimeSpan WallTime)
{
    public double GapPercent => Objective <= 0 ? 0 : 100.0 * (Objective - BestBound) / Objective;
}

/// <summary>A suggested shift: an open shift to claim (same id), or a new shift from a template.</summary>
public sealed record SuggestedShift(Shift Shift, bool ClaimsOpenShift);

/// <summary>
/// The solver's suggestion. <see cref="Schedule"/> is the schedule with the suggestion applied and
/// <see cref="Coverage"/> its report. <see cref="ShortfallLowerBound"/> is proven: no schedule keeping the claims,
/// availability, time off and labour rules has a smaller shortfall. <see cref="CoverageGapPercent"/> is how far the
/// suggestion's coverage is from the best coverage that bound allows.
/// </summary>
public sealed record ShiftSuggestion(
    SolveStatus Status,
    IReadOnlyList<SuggestedShift> Shifts,
    Schedule Schedule,
    CoverageReport Coverage,
    int Shortfall,
    int ShortfallLowerBound,
    double CoverageGapPercent,
    long Unfairness,
    int UnmetPreferences,
    IReadOnlyList<SolveStage> Stages,
    TimeSpan SolveTime);
