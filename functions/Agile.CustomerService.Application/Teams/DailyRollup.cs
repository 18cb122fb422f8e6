using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Application.Teams;

/// <summary>
/// A team's counts for one UTC day. Work is attributed to the owning team (it stays accountable,
/// spilled or not); the helper team is credited separately for the assists it gave.
/// </summary>
public sealed record DailyTeamRollup(
    string TeamId,
    DateOnly Day,
    int Opened,
    int Repeats,
    int Resolved,
    int SpilledOut,
    int AssistsTaken,
    int AssistsResolved,
    int Declined,
    int TimedOut,
    int Reopened)
{
    public static DailyTeamRollup Empty(string teamId, DateOnly day) => new(teamId, day, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static string IdFor(DateOnly day) => $"rollup:{day:yyyy-MM-dd}";
}

/// <summary>Daily metrics rollup per team, idempotent by event id (a marker written in the same commit).</summary>
public sealed class DailyRollupProjection(IStateStore store, CaseService cases) : IChangeSubscriber
{
    private static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(7);

    public string Name => "daily-rollup";

    public async Task HandleAsync(ChangeRecord change, CancellationToken cancellationToken)
    {
        if (CaseEventJson.TryRead(change.Event) is not { } e)
        {
            return;
        }

        var c = (await cases.GetAsync(e.CaseId, cancellationToken))?.Value.State;
        if (c is null)
        {
            return;
        }

        foreach (var (teamId, count) in Attribute(e, c))
        {
            await AddAsync(teamId, DateOnly.FromDateTime(e.At.UtcDateTime), change.Event.EventId, count, cancellationToken);
        }
    }

    /// <summary>Which team's counters an event moves (pure).</summary>
    public static IEnumerable<(string TeamId, Func<DailyTeamRollup, DailyTeamRollup> Count)> Attribute(CaseEvent e, SupportCase c) => e switch
    {
        CaseOpened o => [(o.OwningTeamId, r => r with { Opened = r.Opened + 1, Repeats = r.Repeats + (o.RepeatOf is null ? 0 : 1) })],
        CaseResolved r when r.TeamId != c.OwningTeamId =>
            [(c.OwningTeamId, x => x with { Resolved = x.Resolved + 1 }), (r.TeamId, x => x with { AssistsResolved = x.AssistsResolved + 1 })],
        CaseResolved => [(c.OwningTeamId, x => x with { Resolved = x.Resolved + 1 })],
        CaseSpilledOver s =>
            [(c.OwningTeamId, x => x with { SpilledOut = x.SpilledOut + (s.FromTeamId == c.OwningTeamId ? 1 : 0) }), (s.ToTeamId, x => x with { AssistsTaken = x.AssistsTaken + (s.ToTeamId == c.OwningTeamId ? 0 : 1) })],
        OfferDeclined => [(c.HandlingTeamId, x => x with { Declined = x.Declined + 1 })],
        OfferTimedOut => [(c.HandlingTeamId, x => x with { TimedOut = x.TimedOut + 1 })],
        CaseReopened => [(c.OwningTeamId, x => x with { Reopened = x.Reopened + 1 })],
        _ => [],
    };

    public async Task<IReadOnlyList<DailyTeamRollup>> ReadAsync(string teamId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<DailyTeamRollup>(Partitions.Team(teamId), Kinds.Rollup, cancellationToken)).Select(r => r.Value).OrderBy(r => r.Day)];

    private async Task AddAsync(string teamId, DateOnly day, string eventId, Func<DailyTeamRollup, DailyTeamRollup> count, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        var marker = $"rollup-event:{eventId}";
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (await store.ReadAsync(partition, marker, cancellationToken) is not null)
            {
                return;
            }

            var current = await store.ReadAsync<DailyTeamRollup>(partition, DailyTeamRollup.IdFor(day), cancellationToken);
            var next = count(current?.Value ?? DailyTeamRollup.Empty(teamId, day));
            var result = await store.CommitAsync(partition, cancellationToken,
                StateStoreExtensions.Put(DailyTeamRollup.IdFor(day), Kinds.Rollup, next, current?.ETag),
                new PutDocument(marker, Kinds.Processed, "{}", null, TimeToLive: MarkerLifetime));
            if (result is Committed)
            {
                return;
            }
        }

        throw new StoreUnavailableException($"rollup of team {teamId} kept conflicting");
    }
}
