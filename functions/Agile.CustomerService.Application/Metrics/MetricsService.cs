using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Metrics;

namespace Agile.CustomerService.Application.Metrics;

/// <summary>A case behind a KPI: whether it is counted in the numerator and the denominator, and its value where the fact has one.</summary>
public sealed record DrillCase(string CaseId, DateOnly Day, bool InNumerator, bool InDenominator, long Value);

public sealed record DrillDown(string TeamId, string Kpi, DateOnly From, DateOnly To, IReadOnlyList<string> NumeratorFacts, IReadOnlyList<string> DenominatorFacts, IReadOnlyList<DrillCase> Cases);

/// <summary>
/// The metrics read side: a team's (or several teams') KPIs over a window from daily rollups,
/// with handle-time exemptions honoured, and the cases behind a number.
/// </summary>
public sealed class MetricsService(IStateStore store, DailyRollupProjection rollups, CaseService cases, AdminService admin, IHandleTimeExemptions exemptions, TimeProvider time)
{
    /// <summary>The longest window the API computes (a series point per day).</summary>
    public const int MaxDays = 400;

    public async Task<TeamMetrics?> TeamAsync(string teamId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is { } team
            ? Kpis.ForTeam(teamId, await rollups.ReadAsync(teamId, cancellationToken), from, to, team.Dispatch.Agents.Count, await ExemptAsync(teamId, cancellationToken), time.GetUtcNow())
            : null;

    public async Task<IReadOnlyList<TeamMetrics>> TeamsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var result = new List<TeamMetrics>();
        foreach (var team in (await admin.TeamsAsync(cancellationToken)).OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            if (await TeamAsync(team.Id, from, to, cancellationToken) is { } metrics)
            {
                result.Add(metrics);
            }
        }

        return result;
    }

    /// <summary>Several teams as one (pilot and baseline groups): rollups summed per day, agents summed.</summary>
    public async Task<TeamMetrics> GroupAsync(string label, IReadOnlyList<string> teamIds, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var all = new List<DailyTeamRollup>();
        var exempt = new List<ExemptHandle>();
        var agents = 0;
        foreach (var teamId in teamIds)
        {
            agents += (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken))?.Dispatch.Agents.Count ?? 0;
            all.AddRange(await rollups.ReadAsync(teamId, cancellationToken));
            exempt.AddRange(await ExemptAsync(teamId, cancellationToken));
        }

        var merged = all.GroupBy(r => r.Day).Select(g => g.Aggregate(DailyTeamRollup.Empty(label, g.Key), (s, r) => s.Plus(r))).ToList();
        return Kpis.ForTeam(label, merged, from, to, agents, exempt, time.GetUtcNow());
    }

    /// <summary>The cases behind a KPI of a team over a window.</summary>
    public async Task<DrillDown> DrillAsync(string teamId, KpiDefinition kpi, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        if (kpi.NumeratorFacts is [Kpis.BacklogFacts])
        {
            return new DrillDown(teamId, kpi.Name, from, to, kpi.NumeratorFacts, kpi.DenominatorFacts, await BacklogAsync(teamId, to, cancellationToken));
        }

        var exempt = kpi.Name == "averageHandleTime"
            ? (await exemptions.ApprovedCaseIdsAsync(teamId, cancellationToken)).ToHashSet(StringComparer.Ordinal)
            : [];
        var rows = new List<DrillCase>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var entries = await rollups.ReadDrillAsync(teamId, day, cancellationToken);
            foreach (var group in entries.Where(e => !exempt.Contains(e.CaseId)).GroupBy(e => e.CaseId, StringComparer.Ordinal))
            {
                var numerator = group.Where(e => kpi.NumeratorFacts.Contains(e.Fact)).ToList();
                var denominator = group.Where(e => kpi.DenominatorFacts.Contains(e.Fact)).ToList();
                if (numerator.Count + denominator.Count > 0)
                {
                    rows.Add(new DrillCase(group.Key, day, numerator.Count > 0, denominator.Count > 0, (numerator.Count > 0 ? numerator : denominator).Sum(e => e.Value)));
                }
            }
        }

        return new DrillDown(teamId, kpi.Name, from, to, kpi.NumeratorFacts, kpi.DenominatorFacts, [.. rows.OrderBy(r => r.Day).ThenBy(r => r.CaseId, StringComparer.Ordinal)]);
    }

    /// <summary>Cases in the backlog at the end of <paramref name="to"/>; the value is their age in seconds then.</summary>
    private async Task<IReadOnlyList<DrillCase>> BacklogAsync(string teamId, DateOnly to, CancellationToken cancellationToken)
    {
        var days = (await rollups.ReadAsync(teamId, cancellationToken)).Where(r => r.BacklogIn + r.BacklogOut > 0 && r.Day <= to).Select(r => r.Day);
        var balance = new Dictionary<string, (int Count, DateOnly Day, long Entered)>(StringComparer.Ordinal);
        foreach (var day in days)
        {
            foreach (var e in await rollups.ReadDrillAsync(teamId, day, cancellationToken))
            {
                var (count, lastDay, entered) = balance.GetValueOrDefault(e.CaseId);
                if (e.Fact == Facts.BacklogIn)
                {
                    balance[e.CaseId] = (count + 1, day, e.Value);
                }
                else if (e.Fact == Facts.BacklogOut)
                {
                    balance[e.CaseId] = (count - 1, lastDay, entered);
                }
            }
        }

        var at = Kpis.EndOf(to, time.GetUtcNow()).ToUnixTimeSeconds();
        return [.. balance.Where(b => b.Value.Count > 0).Select(b => new DrillCase(b.Key, b.Value.Day, true, true, at - b.Value.Entered)).OrderBy(r => r.Day).ThenBy(r => r.CaseId, StringComparer.Ordinal)];
    }

    /// <summary>The handle times that approved exemptions take out: from each exempted case's history.</summary>
    private async Task<IReadOnlyList<ExemptHandle>> ExemptAsync(string teamId, CancellationToken cancellationToken)
    {
        var result = new List<ExemptHandle>();
        foreach (var caseId in await exemptions.ApprovedCaseIdsAsync(teamId, cancellationToken))
        {
            if ((await cases.GetAsync(caseId, cancellationToken))?.Value is { } document)
            {
                result.AddRange(CaseMetrics.Handles(document.History).Where(h => h.TeamId == teamId).Select(h => new ExemptHandle(caseId, h.Day, h.Seconds)));
            }
        }

        return result;
    }
}
