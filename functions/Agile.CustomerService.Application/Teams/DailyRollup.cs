using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Metrics;

namespace Agile.CustomerService.Application.Teams;

/// <summary>One case (or survey, complaint) behind a number of one team's day, as stored for drill-down.</summary>
public sealed record DrillEntry(string Fact, string CaseId, long Value);

/// <summary>How applying one contribution ended.</summary>
public enum RollupResult
{
    Applied,
    AlreadyApplied,

    /// <summary>A create-only document of the caller's (e.g. one CSAT answer per case) already exists.</summary>
    Conflict,
}

/// <summary>
/// Daily metrics rollup per team (docs/metrics.md), fed by case events and by survey and
/// complaint inputs. Idempotent by event id: a marker is written in the same commit as the
/// counts, and a redelivered event finds it and changes nothing. Each contribution also writes
/// the case behind it for drill-down (<c>drill:{day}:{fact}:{eventId}</c>, kind <c>drill:{day}</c>).
/// </summary>
public sealed class DailyRollupProjection(IStateStore store, CaseService cases) : IChangeSubscriber
{
    private static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(7);
    private static readonly TimeSpan ServedLifetime = TimeSpan.FromDays(40);

    public string Name => "daily-rollup";

    /// <summary>
    /// Every event counts on its own, but a batch's contributions are written together: each is
    /// gathered as its event is applied, and at the batch's last change they go to each team's
    /// partition in as few commits as the store allows (<see cref="ApplyAllAsync"/>).
    /// </summary>
    public async Task HandleAsync(ChangeBatch batch, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var gathered = batch.Scratch<List<(Contribution, string)>>(Name);
        if (batch.EventAt(index) is { } e
            && (await batch.CaseAsync(cases, e.CaseId, cancellationToken))?.Value is { } document
            && IndexOf(document.History, batch[index].Event.EventId, e) is >= 0 and var position)
        {
            gathered.AddRange(CaseMetrics.Of(document.History, position, cases.Policy).Select(c => (c, batch[index].Event.EventId)));
        }

        if (batch.IsLast(index))
        {
            await ApplyAllAsync(gathered, cancellationToken);
            gathered.Clear();
        }
    }

    /// <summary>
    /// Applies contributions in their order, each team's in as few commits of its partition as
    /// <see cref="IStateStore.MaxOperationsPerCommit"/> allows, with the same rules as
    /// <see cref="ApplyAsync"/>: an event already applied to a partition counts nothing there again,
    /// a customer counts as served once a day. A commit that conflicts is retried from the
    /// partition's first contribution; what earlier commits wrote is skipped by its markers.
    /// </summary>
    public async Task ApplyAllAsync(IReadOnlyList<(Contribution Contribution, string EventId)> contributions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        foreach (var team in contributions.GroupBy(c => c.Contribution.TeamId, StringComparer.Ordinal))
        {
            var applied = false;
            for (var attempt = 0; attempt < 8 && !applied; attempt++)
            {
                applied = await TryApplyTeamAsync(Partitions.Team(team.Key), [.. team], cancellationToken);
            }

            if (!applied)
            {
                throw new StoreUnavailableException($"rollup of team {team.Key} kept conflicting");
            }
        }
    }

    private async Task<bool> TryApplyTeamAsync(string partition, IReadOnlyList<(Contribution Contribution, string EventId)> contributions, CancellationToken cancellationToken)
    {
        var rollups = new Dictionary<DateOnly, (string? ETag, DailyTeamRollup Value)>();
        var writes = new List<WriteOperation>();
        var marked = new HashSet<string>(StringComparer.Ordinal);
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (contribution, eventId) in contributions)
        {
            var marker = $"rollup-event:{eventId}";
            if (marked.Contains(marker) || await store.ReadAsync(partition, marker, cancellationToken) is not null)
            {
                continue;
            }

            var day = contribution.Day;
            var (delta, own) = await ContributionWritesAsync(partition, contribution, eventId, served, cancellationToken);
            if (writes.Count + own.Count + rollups.Count + 1 > IStateStore.MaxOperationsPerCommit)
            {
                if (!await CommitAsync(partition, writes, rollups, cancellationToken))
                {
                    return false;
                }

                writes.Clear();
                rollups.Clear();
            }

            if (!rollups.TryGetValue(day, out var rollup))
            {
                var current = await store.ReadAsync<DailyTeamRollup>(partition, DailyTeamRollup.IdFor(day), cancellationToken);
                rollup = (current?.ETag, current?.Value ?? DailyTeamRollup.Empty(contribution.TeamId, day));
            }

            rollups[day] = (rollup.ETag, rollup.Value.Plus(delta));
            writes.AddRange(own);
            marked.Add(marker);
        }

        return await CommitAsync(partition, writes, rollups, cancellationToken);
    }

    /// <summary>
    /// What one contribution writes besides its rollup: the processed-event marker, a drill-down
    /// entry per case fact, and a served record for a customer not yet served that day (nor in
    /// <paramref name="servedPending"/>, the served records of the same commit, to which it is
    /// added); with the contribution's delta counting those customers.
    /// </summary>
    private async Task<(DailyTeamRollup Delta, List<WriteOperation> Writes)> ContributionWritesAsync(
        string partition, Contribution contribution, string eventId, HashSet<string> servedPending, CancellationToken cancellationToken)
    {
        var day = contribution.Day;
        var delta = contribution.Delta;
        var writes = new List<WriteOperation> { new PutDocument($"rollup-event:{eventId}", Kinds.Processed, "{}", null, TimeToLive: MarkerLifetime) };
        foreach (var tag in contribution.Cases)
        {
            if (tag.Fact != Facts.Served)
            {
                writes.Add(StateStoreExtensions.Put(DrillId(day, tag.Fact, eventId), DrillKind(day), new DrillEntry(tag.Fact, tag.CaseId, tag.Value), PutDocument.Any));
                continue;
            }

            // Customers served are distinct per day: the first resolution for a customer that day counts.
            var servedId = $"served:{day:yyyy-MM-dd}:{CaseIds.CustomerOf(tag.CaseId) ?? tag.CaseId}";
            if (!servedPending.Contains(servedId) && await store.ReadAsync(partition, servedId, cancellationToken) is null)
            {
                servedPending.Add(servedId);
                delta = delta with { CustomersServed = delta.CustomersServed + 1 };
                writes.Add(new PutDocument(servedId, Kinds.Served, "{}", null, TimeToLive: ServedLifetime));
            }
        }

        return (delta, writes);
    }

    private async Task<bool> CommitAsync(
        string partition, List<WriteOperation> writes, Dictionary<DateOnly, (string? ETag, DailyTeamRollup Value)> rollups, CancellationToken cancellationToken)
    {
        if (writes.Count == 0)
        {
            return true;
        }

        List<WriteOperation> all = [.. rollups.Select(r => (WriteOperation)StateStoreExtensions.Put(DailyTeamRollup.IdFor(r.Key), Kinds.Rollup, r.Value.Value, r.Value.ETag)), .. writes];
        return await store.CommitAsync(partition, all, [], cancellationToken) is Committed;
    }

    /// <summary>The position of an event in its case's history: event ids are <c>{caseId}:{version}</c>.</summary>
    public static int IndexOf(IReadOnlyList<CaseEvent> history, string eventId, CaseEvent e)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(eventId);
        var colon = eventId.LastIndexOf(':');
        if (colon > 0 && int.TryParse(eventId.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var version)
            && version >= 1 && version <= history.Count && history[version - 1].GetType() == e.GetType() && history[version - 1].At == e.At)
        {
            return version - 1;
        }

        for (var i = 0; i < history.Count; i++)
        {
            if (history[i].GetType() == e.GetType() && history[i].At == e.At)
            {
                return i;
            }
        }

        return -1;
    }

    public async Task<IReadOnlyList<DailyTeamRollup>> ReadAsync(string teamId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<DailyTeamRollup>(Partitions.Team(teamId), Kinds.Rollup, cancellationToken)).Select(r => r.Value).OrderBy(r => r.Day)];

    public async Task<IReadOnlyList<DrillEntry>> ReadDrillAsync(string teamId, DateOnly day, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<DrillEntry>(Partitions.Team(teamId), DrillKind(day), cancellationToken)).Select(d => d.Value)];

    public static string DrillKind(DateOnly day) => $"drill:{day:yyyy-MM-dd}";

    public static string DrillId(DateOnly day, string fact, string eventId) => $"drill:{day:yyyy-MM-dd}:{fact}:{eventId}";

    /// <summary>The documents of a rebuild (rollups and drill-down entries), for a bulk load into an emptied store.</summary>
    public static IEnumerable<(string Partition, PutDocument Document)> Documents(RollupFold fold)
    {
        ArgumentNullException.ThrowIfNull(fold);
        foreach (var r in fold.Rollups)
        {
            yield return (Partitions.Team(r.TeamId), StateStoreExtensions.Put(DailyTeamRollup.IdFor(r.Day), Kinds.Rollup, r, PutDocument.Any));
        }

        foreach (var (team, day, eventId, tag) in fold.Drill)
        {
            yield return (Partitions.Team(team), StateStoreExtensions.Put(DrillId(day, tag.Fact, eventId), DrillKind(day), new DrillEntry(tag.Fact, tag.CaseId, tag.Value), PutDocument.Any));
        }
    }

    /// <summary>
    /// Adds one contribution to its team's day, with the cases behind it and the caller's own
    /// writes, in one commit of the team's partition; nothing if <paramref name="eventId"/> was applied.
    /// </summary>
    public async Task<RollupResult> ApplyAsync(Contribution contribution, string eventId, IReadOnlyList<WriteOperation> extra, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        var partition = Partitions.Team(contribution.TeamId);
        var marker = $"rollup-event:{eventId}";
        var day = contribution.Day;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (await store.ReadAsync(partition, marker, cancellationToken) is not null)
            {
                return RollupResult.AlreadyApplied;
            }

            var (delta, writes) = await ContributionWritesAsync(partition, contribution, eventId, [], cancellationToken);
            var current = await store.ReadAsync<DailyTeamRollup>(partition, DailyTeamRollup.IdFor(day), cancellationToken);
            var next = (current?.Value ?? DailyTeamRollup.Empty(contribution.TeamId, day)).Plus(delta);
            writes.Add(StateStoreExtensions.Put(DailyTeamRollup.IdFor(day), Kinds.Rollup, next, current?.ETag));
            writes.AddRange(extra);
            var result = await store.CommitAsync(partition, writes, [], cancellationToken);
            switch (result)
            {
                case Committed:
                    return RollupResult.Applied;
                case CommitConflict conflict when extra.Any(w => w.Id == conflict.Id):
                    return await store.ReadAsync(partition, marker, cancellationToken) is null ? RollupResult.Conflict : RollupResult.AlreadyApplied;
            }
        }

        throw new StoreUnavailableException($"rollup of team {contribution.TeamId} kept conflicting");
    }
}
