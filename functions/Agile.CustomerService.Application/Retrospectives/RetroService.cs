using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Retrospectives;

namespace Agile.CustomerService.Application.Retrospectives;

/// <summary>
/// Retrospectives per team and sprint (docs/retrospectives.md): one document <c>retro:{sprint}</c>
/// in the team's partition. Every mutation is load, decide (pure), write with the ETag read,
/// together with its idempotency record; a concurrent write by another member is retried on
/// fresh state (items and votes of different members commute).
/// </summary>
public sealed class RetroService(IStateStore store, MetricsService metrics, TimeProvider time)
{
    public const string OpenedEvent = "RetroOpened";
    public const string ClosedEvent = "RetroClosed";

    private const int MaxAttempts = 8;

    public static string IdFor(string sprint) => $"retro:{sprint}";

    public async Task<IReadOnlyList<Retrospective>> ListAsync(string teamId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Retrospective>(Partitions.Team(teamId), Kinds.Retro, cancellationToken)).Select(r => r.Value).OrderBy(r => r.From)];

    public Task<Versioned<Retrospective>?> GetAsync(string teamId, string sprint, CancellationToken cancellationToken) =>
        store.ReadAsync<Retrospective>(Partitions.Team(teamId), IdFor(sprint), cancellationToken);

    public async Task<Outcome> OpenAsync(string teamId, string sprint, DateOnly from, DateOnly to, string by, string key, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        var hash = CommandLog.Hash("retro-open", string.Join('\n', teamId, sprint, from, to, by));
        if (await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) is { } replay)
        {
            return replay;
        }

        if (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is null)
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        if (await GetAsync(teamId, sprint, cancellationToken) is not null)
        {
            return Problem.Conflict($"team {teamId} already has a retro for sprint {sprint}");
        }

        var retros = await ListAsync(teamId, cancellationToken);
        if (retros.FirstOrDefault(r => r.From <= to && from <= r.To) is { } overlapping)
        {
            return Problem.Conflict($"sprint {sprint} ({from:yyyy-MM-dd} to {to:yyyy-MM-dd}) overlaps sprint {overlapping.Sprint} ({overlapping.From:yyyy-MM-dd} to {overlapping.To:yyyy-MM-dd})");
        }

        var previous = retros.Where(r => r.To < from).MaxBy(r => r.To);
        var (previousFrom, previousTo) = previous is null ? (from.AddDays(-(to.DayNumber - from.DayNumber + 1)), from.AddDays(-1)) : (previous.From, previous.To);
        var current = await metrics.TeamAsync(teamId, from, to, cancellationToken);
        var before = await metrics.TeamAsync(teamId, previousFrom, previousTo, cancellationToken);
        var snapshot = new MetricsSnapshot(from, to, current!.Kpis, previousFrom, previousTo, before!.Kpis);
        var retro = Retro.Open(teamId, sprint, from, to, by, time.GetUtcNow(), previous, snapshot);
        var success = new Success(201, Json.Write(retro), null, $"/api/teams/{teamId}/retros/{sprint}");
        var result = await store.CommitAsync(
            partition,
            [StateStoreExtensions.Put(IdFor(sprint), Kinds.Retro, retro, null), CommandLog.Record(key, "retro-open", hash, success)],
            [Announcement(retro, OpenedEvent)],
            cancellationToken);
        return result is Committed
            ? success
            : await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) ?? Problem.Conflict($"team {teamId} already has a retro for sprint {sprint}");
    }

    public Task<Outcome> AddItemAsync(string teamId, string sprint, RetroItemKind kind, string text, string authorId, bool anonymous, string key, CancellationToken cancellationToken) =>
        MutateAsync(teamId, sprint, key, "retro-item", string.Join('\n', kind, text, authorId, anonymous), [authorId], 201,
            (r, at) => Retro.AddItem(r, $"item-{CommandLog.DeterministicId(teamId + sprint, key)[..12]}", kind, text, authorId, anonymous, at), cancellationToken);

    public Task<Outcome> VoteAsync(string teamId, string sprint, string itemId, string memberId, string key, CancellationToken cancellationToken) =>
        MutateAsync(teamId, sprint, key, "retro-vote", itemId + "\n" + memberId, [memberId], 200,
            (r, _) => Retro.Vote(r, itemId, memberId), cancellationToken);

    public Task<Outcome> AddActionAsync(string teamId, string sprint, string title, string ownerId, DateOnly dueDate, string? fromItemId, string key, CancellationToken cancellationToken) =>
        MutateAsync(teamId, sprint, key, "retro-action", string.Join('\n', title, ownerId, dueDate, fromItemId), [ownerId], 201,
            (r, _) => Retro.AddAction(r, new ActionItem($"action-{CommandLog.DeterministicId(teamId + sprint, key)[..12]}", title, ownerId, dueDate, fromItemId, null)), cancellationToken);

    public Task<Outcome> ReviewAsync(string teamId, string sprint, string actionId, ReviewOutcome outcome, string? note, string key, CancellationToken cancellationToken) =>
        MutateAsync(teamId, sprint, key, "retro-review", string.Join('\n', actionId, outcome, note), [], 200,
            (r, _) => Retro.ReviewAction(r, actionId, outcome, note), cancellationToken);

    public Task<Outcome> CloseAsync(string teamId, string sprint, string by, string key, CancellationToken cancellationToken) =>
        MutateAsync(teamId, sprint, key, "retro-close", by, [], 200, (r, at) => Retro.Close(r, by, at), cancellationToken, announce: ClosedEvent);

    /// <summary>Opening and closing a retro are announced (the Teams notifier reminds the team's channel and the action items' owners).</summary>
    private static OutboxEvent Announcement(Retrospective retro, string type) =>
        new($"retro:{retro.TeamId}:{retro.Sprint}:{type}", type, Json.Write(retro), null);

    private async Task<Outcome> MutateAsync(
        string teamId, string sprint, string key, string operation, string body, IReadOnlyList<string> members, int status,
        Func<Retrospective, DateTimeOffset, RetroDecision> decide, CancellationToken cancellationToken, string? announce = null)
    {
        var partition = Partitions.Team(teamId);
        var hash = CommandLog.Hash(operation, sprint + "\n" + body);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) is { } replay)
            {
                return replay;
            }

            if (await GetAsync(teamId, sprint, cancellationToken) is not { } stored)
            {
                return Problem.NotFound($"team {teamId} has no retro for sprint {sprint}");
            }

            if (members.Count > 0)
            {
                var team = await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken);
                if (members.FirstOrDefault(m => team?.Dispatch.Agent(m) is null) is { } stranger)
                {
                    return Problem.Invalid($"{stranger} is not a member of team {teamId}");
                }
            }

            switch (decide(stored.Value, time.GetUtcNow()))
            {
                case RetroRejected rejected:
                    return rejected.NotFound ? Problem.NotFound(rejected.Reason) : Problem.Conflict(rejected.Reason);
                case RetroUnchanged unchanged:
                    return new Success(200, Json.Write(unchanged.Retro), stored.ETag);
                case RetroChanged changed:
                    var success = new Success(status, Json.Write(changed.Retro), null, $"/api/teams/{teamId}/retros/{sprint}");
                    var result = await store.CommitAsync(
                        partition,
                        [StateStoreExtensions.Put(IdFor(sprint), Kinds.Retro, changed.Retro, stored.ETag), CommandLog.Record(key, operation, hash, success)],
                        announce is null ? [] : [Announcement(changed.Retro, announce)],
                        cancellationToken);
                    if (result is Committed committed)
                    {
                        return success with { ETag = committed.ETags[IdFor(sprint)] };
                    }

                    break;
            }
        }

        throw new StoreUnavailableException($"retro {sprint} of team {teamId} kept changing; try again");
    }
}
