using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Metrics;

/// <summary>One KPI over a window: the value and the two sums it is made of (value is null when the denominator is 0).</summary>
public sealed record KpiValue(double? Value, double Numerator, double Denominator);

/// <summary>Cases in a team's backlog at an instant, and the sum of their entry times.</summary>
public sealed record BacklogState(int Open, long EntrySecondsSum)
{
    public static readonly BacklogState Empty = new(0, 0);

    /// <summary>Sum of the ages (seconds) of the open cases at <paramref name="at"/>.</summary>
    public double AgeSecondsSum(DateTimeOffset at) => Open == 0 ? 0 : (double)Open * at.ToUnixTimeSeconds() - EntrySecondsSum;

    /// <summary>The backlog at the end of <paramref name="day"/>, from every rollup up to that day.</summary>
    public static BacklogState AtEndOf(IEnumerable<DailyTeamRollup> rollups, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        var open = 0;
        var entries = 0L;
        foreach (var r in rollups)
        {
            if (r.Day <= day)
            {
                open += r.BacklogIn - r.BacklogOut;
                entries += r.BacklogInSeconds - r.BacklogOutSeconds;
            }
        }

        return new BacklogState(open, entries);
    }
}

/// <summary>A resolution's handle time that an approved exemption takes out of the metrics.</summary>
public sealed record ExemptHandle(string CaseId, DateOnly Day, long Seconds);

/// <summary>What a window's KPIs are computed from: the summed rollups, the backlog at the end, the team size.</summary>
public sealed record MetricsInput(DailyTeamRollup Sum, BacklogState Backlog, DateTimeOffset BacklogAt, int Agents);

/// <summary>
/// A KPI: its name in the API, unit, which team it is attributed to, how it is computed from
/// summed rollups, and which drill-down facts make its numerator and denominator.
/// </summary>
public sealed record KpiDefinition(
    string Name,
    string Unit,
    string Attribution,
    Func<MetricsInput, (double Numerator, double Denominator)> Sums,
    double Scale,
    IReadOnlyList<string> NumeratorFacts,
    IReadOnlyList<string> DenominatorFacts)
{
    public KpiValue Compute(MetricsInput input)
    {
        var (n, d) = Sums(input);
        return new KpiValue(d == 0 ? null : Scale * n / d, n, d);
    }
}

/// <summary>The KPI catalogue of docs/metrics.md, computed from rollups alone (pure).</summary>
public static class Kpis
{
    public const string Ratio = "ratio";
    public const string Points = "points";
    public const string Seconds = "seconds";
    public const string Customers = "customers";

    public const string Owning = "owning team";
    public const string Helper = "helper team (receiving the spill-over)";
    public const string Resolving = "team whose agent resolved the case";
    public const string Members = "team of the responding agent";

    public const string BacklogFacts = "backlog";

    private static string[] Sla(string fact, params CustomerTier[] tiers) => [.. tiers.Select(t => Facts.Sla(fact, t))];

    private static readonly CustomerTier[] AllTiers = [CustomerTier.Standard, CustomerTier.Priority, CustomerTier.Vulnerable];

    public static readonly IReadOnlyList<KpiDefinition> All =
    [
        new("firstContactResolution", Ratio, Owning, i => (i.Sum.FirstContactResolved, i.Sum.Resolved), 1, [Facts.FirstContact], [Facts.Resolved]),
        new("repeatContactRate", Ratio, Owning, i => (i.Sum.Repeats, i.Sum.Opened), 1, [Facts.Repeat], [Facts.Opened]),
        new("handOffRate", Ratio, Owning, i => (i.Sum.HandedOff, i.Sum.Resolved), 1, [Facts.HandOff], [Facts.Resolved]),
        new("spillOverGiven", Ratio, Owning, i => (i.Sum.SpilledOut, i.Sum.Opened), 1, [Facts.SpilledOut], [Facts.Opened]),
        new("spillOverReceived", Ratio, Helper, i => (i.Sum.AssistsTaken, i.Sum.Opened), 1, [Facts.SpilledIn], [Facts.Opened]),
        new("complaintRate", Ratio, Owning, i => (i.Sum.Complaints, i.Sum.Opened), 1, [Facts.Complaint], [Facts.Opened]),
        new("csat", Ratio, Owning, i => (i.Sum.CsatSatisfied, i.Sum.CsatResponses), 1, [Facts.CsatSatisfied], [Facts.Csat]),
        new("nps", Points, Owning, i => (i.Sum.NpsPromoters - i.Sum.NpsDetractors, i.Sum.NpsResponses), 100, [Facts.NpsPromoter, Facts.NpsDetractor], [Facts.Nps]),
        new("averageHandleTime", Seconds, Resolving, i => (i.Sum.HandleSeconds, i.Sum.Handled), 1, [Facts.Handled], [Facts.Handled]),
        new("backlogAge", Seconds, Owning, i => (i.Backlog.AgeSecondsSum(i.BacklogAt), i.Backlog.Open), 1, [BacklogFacts], [BacklogFacts]),
        new("slaAttainment", Ratio, Owning, i => (Tiered(i.Sum).Met, Tiered(i.Sum).Answered), 1, Sla(Facts.SlaMet, AllTiers), Sla(Facts.SlaAnswered, AllTiers)),
        new("slaAttainmentStandard", Ratio, Owning, i => (i.Sum.SlaStandard.Met, i.Sum.SlaStandard.Answered), 1, Sla(Facts.SlaMet, CustomerTier.Standard), Sla(Facts.SlaAnswered, CustomerTier.Standard)),
        new("slaAttainmentPriority", Ratio, Owning, i => (i.Sum.SlaPriority.Met, i.Sum.SlaPriority.Answered), 1, Sla(Facts.SlaMet, CustomerTier.Priority), Sla(Facts.SlaAnswered, CustomerTier.Priority)),
        new("slaAttainmentVulnerable", Ratio, Owning, i => (i.Sum.SlaVulnerable.Met, i.Sum.SlaVulnerable.Answered), 1, Sla(Facts.SlaMet, CustomerTier.Vulnerable), Sla(Facts.SlaAnswered, CustomerTier.Vulnerable)),
        new("customersServedPerAgent", Customers, Owning, i => (i.Sum.CustomersServed, i.Agents), 1, [Facts.Resolved], []),
        new("employeeNps", Points, Members, i => (i.Sum.PulsePromoters - i.Sum.PulseDetractors, i.Sum.PulseResponses), 100, [], []),
    ];

    public static KpiDefinition? Find(string? name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.Ordinal));

    private static SlaCount Tiered(DailyTeamRollup r) => r.SlaStandard.Plus(r.SlaPriority).Plus(r.SlaVulnerable);

    /// <summary>The rollups of a window summed, minus the handle times of approved exemptions that fall in it.</summary>
    public static DailyTeamRollup Sum(string teamId, IEnumerable<DailyTeamRollup> rollups, DateOnly from, DateOnly to, IEnumerable<ExemptHandle> exempt)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        ArgumentNullException.ThrowIfNull(exempt);
        var sum = rollups.Where(r => r.Day >= from && r.Day <= to).Aggregate(DailyTeamRollup.Empty(teamId, from), (s, r) => s.Plus(r));
        foreach (var h in exempt.Where(h => h.Day >= from && h.Day <= to))
        {
            sum = sum with
            {
                Handled = sum.Handled - 1,
                HandleSeconds = sum.HandleSeconds - h.Seconds,
                HandleSecondsSquared = sum.HandleSecondsSquared - (double)h.Seconds * h.Seconds,
            };
        }

        return sum;
    }

    /// <summary>Every KPI of one window.</summary>
    public static IReadOnlyDictionary<string, KpiValue> Compute(MetricsInput input) =>
        All.ToDictionary(k => k.Name, k => k.Compute(input), StringComparer.Ordinal);

    /// <summary>
    /// Every KPI of a window and of each day in it, from the team's rollups (all of them: the
    /// backlog at a day's end needs every earlier day). <paramref name="now"/> caps the backlog instant.
    /// </summary>
    public static TeamMetrics ForTeam(
        string teamId, IReadOnlyList<DailyTeamRollup> rollups, DateOnly from, DateOnly to, int agents, IReadOnlyList<ExemptHandle> exempt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        var ordered = rollups.OrderBy(r => r.Day).ToList();
        var byDay = ordered.ToDictionary(r => r.Day);

        // Running backlog: the state before the window, then day by day.
        var backlog = BacklogState.AtEndOf(ordered, from.AddDays(-1));
        var series = new List<DayMetrics>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var r = byDay.GetValueOrDefault(day) ?? DailyTeamRollup.Empty(teamId, day);
            backlog = new BacklogState(backlog.Open + r.BacklogIn - r.BacklogOut, backlog.EntrySecondsSum + r.BacklogInSeconds - r.BacklogOutSeconds);
            var daySum = Sum(teamId, [r], day, day, exempt);
            series.Add(new DayMetrics(day, Compute(new MetricsInput(daySum, backlog, EndOf(day, now), agents))));
        }

        var total = Sum(teamId, ordered, from, to, exempt);
        return new TeamMetrics(teamId, from, to, agents, Compute(new MetricsInput(total, backlog, EndOf(to, now), agents)), series, total);
    }

    /// <summary>The end of a UTC day, or now if the day is not over.</summary>
    public static DateTimeOffset EndOf(DateOnly day, DateTimeOffset now)
    {
        var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return end < now ? end : now;
    }
}

public sealed record DayMetrics(DateOnly Day, IReadOnlyDictionary<string, KpiValue> Kpis);

/// <summary>A window's KPIs, their per-day series, and the summed rollup they came from (<see cref="Total"/>, for interval estimates).</summary>
public sealed record TeamMetrics(string TeamId, DateOnly From, DateOnly To, int Agents, IReadOnlyDictionary<string, KpiValue> Kpis, IReadOnlyList<DayMetrics> Series, DailyTeamRollup Total);
