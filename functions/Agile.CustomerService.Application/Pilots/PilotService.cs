using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Pilots;

namespace Agile.CustomerService.Application.Pilots;

/// <summary>Pilot and baseline side by side, KPI by KPI.</summary>
public sealed record PilotReport(
    string PilotId,
    string RegionId,
    IReadOnlyList<string> PilotTeams,
    DateOnly PilotFrom,
    DateOnly PilotTo,
    BaselineKind BaselineKind,
    IReadOnlyList<string> BaselineTeams,
    DateOnly BaselineFrom,
    DateOnly BaselineTo,
    IReadOnlyList<KpiComparison> Kpis);

/// <summary>Pilots (documents <c>pilot:{id}</c> in the <c>directory</c> partition) and their comparison with the baseline.</summary>
public sealed class PilotService(IStateStore store, MetricsService metrics, TimeProvider time)
{
    public const int MaxTeams = 50;

    public static string IdFor(string pilotId) => $"pilot:{pilotId}";

    public async Task<Pilot?> GetAsync(string pilotId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<Pilot>(Partitions.Directory, IdFor(pilotId), cancellationToken))?.Value;

    public async Task<IReadOnlyList<Pilot>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Pilot>(Partitions.Directory, Kinds.Pilot, cancellationToken)).Select(p => p.Value).OrderBy(p => p.StartDate)];

    public async Task<Outcome> DefineAsync(string pilotId, string regionId, IReadOnlyList<string> teamIds, DateOnly start, Baseline baseline, string by, string key, CancellationToken cancellationToken)
    {
        var partition = Partitions.Directory;
        var hash = CommandLog.Hash("pilot", Json.Write(new { pilotId, regionId, teamIds, start, baseline, by }));
        if (await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) is { } replay)
        {
            return replay;
        }

        if (await store.ReadAsync<Region>(partition, $"region:{regionId}", cancellationToken) is null)
        {
            return Problem.Invalid($"region {regionId} does not exist");
        }

        foreach (var teamId in teamIds.Concat(baseline.TeamIds))
        {
            if (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is not { } team)
            {
                return Problem.Invalid($"team {teamId} does not exist");
            }

            if (teamIds.Contains(teamId) && team.Dispatch.RegionId != regionId)
            {
                return Problem.Invalid($"team {teamId} is in region {team.Dispatch.RegionId}, not {regionId}");
            }
        }

        var pilot = new Pilot(pilotId, regionId, teamIds, start, baseline, by, time.GetUtcNow());
        var success = new Success(201, Json.Write(pilot), null, $"/api/pilots/{pilotId}");
        var result = await store.CommitAsync(partition, cancellationToken,
            StateStoreExtensions.Put(IdFor(pilotId), Kinds.Pilot, pilot, null),
            CommandLog.Record(key, "pilot", hash, success));
        return result is Committed
            ? success
            : await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) ?? Problem.Conflict($"pilot {pilotId} already exists");
    }

    /// <summary>The pilot from its start to <paramref name="to"/> against its baseline; null if the pilot does not exist.</summary>
    public async Task<PilotReport?> CompareAsync(string pilotId, DateOnly to, CancellationToken cancellationToken)
    {
        if (await GetAsync(pilotId, cancellationToken) is not { } pilot)
        {
            return null;
        }

        var (teams, from, baselineTo) = pilot.BaselineWindow(to);
        var inPilot = await metrics.GroupAsync("pilot", pilot.TeamIds, pilot.StartDate, to, cancellationToken);
        var before = await metrics.GroupAsync("baseline", teams, from, baselineTo, cancellationToken);
        return new PilotReport(pilot.Id, pilot.RegionId, pilot.TeamIds, pilot.StartDate, to, pilot.Baseline.Kind, teams, from, baselineTo, PilotComparison.Compare(inPilot, before));
    }
}
