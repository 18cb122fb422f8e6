using Agile.CustomerService.Domain.Metrics;

namespace Agile.CustomerService.Domain.Pilots;

public enum BaselineKind
{
    /// <summary>Control teams over the same dates as the pilot.</summary>
    ControlTeams,

    /// <summary>The pilot teams themselves over the days just before the start.</summary>
    PrePilot,
}

/// <summary>What the pilot is compared with. <see cref="Days"/>: length of the pre-pilot period (default: as long as the pilot window).</summary>
public sealed record Baseline(BaselineKind Kind, IReadOnlyList<string> TeamIds, int? Days);

/// <summary>A region running the model (DOMAIN.md point 11), compared with a baseline.</summary>
public sealed record Pilot(string Id, string RegionId, IReadOnlyList<string> TeamIds, DateOnly StartDate, Baseline Baseline, string CreatedBy, DateTimeOffset CreatedAt)
{
    /// <summary>The baseline's teams and dates for a pilot window [StartDate, <paramref name="to"/>].</summary>
    public (IReadOnlyList<string> Teams, DateOnly From, DateOnly To) BaselineWindow(DateOnly to)
    {
        if (Baseline.Kind == BaselineKind.ControlTeams)
        {
            return (Baseline.TeamIds, StartDate, to);
        }

        var days = Baseline.Days ?? to.DayNumber - StartDate.DayNumber + 1;
        return (TeamIds, StartDate.AddDays(-days), StartDate.AddDays(-1));
    }
}

/// <summary>An effect the articles report for the model: absolute (NPS points) or relative (a share of the baseline).</summary>
public sealed record ExpectedEffect(string Scale, double Low, double High, string Reported);

/// <summary>One KPI, pilot against baseline, with the 95% interval of the difference.</summary>
public sealed record KpiComparison(
    string Kpi,
    string Unit,
    string Better,
    KpiValue Pilot,
    KpiValue Baseline,
    double? Difference,
    Interval? Ci95,
    double? RelativeDifference,
    Interval? RelativeCi95,
    string Method,
    string Verdict,
    ExpectedEffect? Expected,
    bool? ConsistentWithExpected);

/// <summary>Pilot against baseline for every KPI (docs/metrics.md, "Pilots"): pure.</summary>
public static class PilotComparison
{
    public const string Proportions = "Newcombe hybrid score interval (Wilson score per group) for a difference of proportions";
    public const string Means = "Welch t interval for a difference of means (unequal variances, Welch-Satterthwaite df)";
    public const string NoInterval = "no interval: not a sample of independent units";

    /// <summary>The reported effects of the model (DOMAIN.md point 8).</summary>
    public static readonly IReadOnlyDictionary<string, ExpectedEffect> Reported = new Dictionary<string, ExpectedEffect>(StringComparer.Ordinal)
    {
        ["nps"] = new("absolute", 10, 30, "NPS +10 to +30 points"),
        ["repeatContactRate"] = new("relative", -0.20, -0.20, "repeat contacts -20%"),
        ["complaintRate"] = new("relative", -0.50, -0.50, "complaints -50%"),
    };

    private static readonly HashSet<string> LowerIsBetter = new(StringComparer.Ordinal)
    {
        "repeatContactRate", "handOffRate", "spillOverGiven", "complaintRate", "averageHandleTime", "backlogAge",
    };

    public static IReadOnlyList<KpiComparison> Compare(TeamMetrics pilot, TeamMetrics baseline)
    {
        ArgumentNullException.ThrowIfNull(pilot);
        ArgumentNullException.ThrowIfNull(baseline);
        return [.. Kpis.All.Select(k => Compare(k, pilot, baseline))];
    }

    private static KpiComparison Compare(KpiDefinition k, TeamMetrics pilot, TeamMetrics baseline)
    {
        var p = pilot.Kpis[k.Name];
        var b = baseline.Kpis[k.Name];
        // Receiving spill-over is neither good nor bad in itself: helping is wanted, depending on help is not.
        var better = k.Name == "spillOverReceived" ? "neither" : LowerIsBetter.Contains(k.Name) ? "lower" : "higher";
        var expected = Reported.GetValueOrDefault(k.Name);
        if (p.Value is not { } pv || b.Value is not { } bv)
        {
            return new KpiComparison(k.Name, k.Unit, better, p, b, null, null, null, null, MethodOf(k), "not enough data", expected, null);
        }

        var difference = pv - bv;
        var ci = IntervalOf(k, pilot.Total, baseline.Total, p, b);
        double? relative = bv == 0 ? null : difference / bv;
        var relativeCi = bv == 0 || ci is null ? null : new Interval(ci.Low / bv, ci.High / bv);
        var verdict = ci is null ? "no interval"
            : better == "neither" ? (ci.Low > 0 ? "higher" : ci.High < 0 ? "lower" : "no clear difference")
            : better == "higher" ? (ci.Low > 0 ? "better" : ci.High < 0 ? "worse" : "no clear difference")
            : (ci.High < 0 ? "better" : ci.Low > 0 ? "worse" : "no clear difference");
        bool? consistent = expected is null ? null
            : expected.Scale == "absolute" ? ci is not null && ci.Low <= expected.High && ci.High >= expected.Low
            : relativeCi is not null && relativeCi.Low <= expected.High && relativeCi.High >= expected.Low;
        return new KpiComparison(k.Name, k.Unit, better, p, b, difference, ci, relative, relativeCi, MethodOf(k), verdict, expected, consistent);
    }

    private static string MethodOf(KpiDefinition k) => k.Name switch
    {
        "nps" or "employeeNps" or "averageHandleTime" => Means,
        "backlogAge" or "customersServedPerAgent" => NoInterval,
        _ => Proportions,
    };

    private static Interval? IntervalOf(KpiDefinition k, DailyTeamRollup p, DailyTeamRollup b, KpiValue pv, KpiValue bv) => k.Name switch
    {
        "nps" => Statistics.DifferenceOfMeans(
            p.NpsResponses, 100.0 * (p.NpsPromoters - p.NpsDetractors), 10_000.0 * (p.NpsPromoters + p.NpsDetractors),
            b.NpsResponses, 100.0 * (b.NpsPromoters - b.NpsDetractors), 10_000.0 * (b.NpsPromoters + b.NpsDetractors)),
        "employeeNps" => Statistics.DifferenceOfMeans(
            p.PulseResponses, 100.0 * (p.PulsePromoters - p.PulseDetractors), 10_000.0 * (p.PulsePromoters + p.PulseDetractors),
            b.PulseResponses, 100.0 * (b.PulsePromoters - b.PulseDetractors), 10_000.0 * (b.PulsePromoters + b.PulseDetractors)),
        "averageHandleTime" => Statistics.DifferenceOfMeans(p.Handled, p.HandleSeconds, p.HandleSecondsSquared, b.Handled, b.HandleSeconds, b.HandleSecondsSquared),
        "backlogAge" or "customersServedPerAgent" => null,
        _ => Statistics.DifferenceOfProportions(pv.Numerator, pv.Denominator, bv.Numerator, bv.Denominator),
    };
}
