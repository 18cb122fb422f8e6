using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Dispatch;

namespace Agile.CustomerService.Application.Teams;

/// <summary>
/// A team's dispatch document together with its queued-case items. The queue lives in
/// separate documents of the team partition so an intake that queues writes one small
/// new document instead of rewriting the team's dispatch document.
/// </summary>
public sealed record TeamState(TeamDispatch Dispatch, string ETag, IReadOnlyDictionary<string, string> QueueETags)
{
    public static string QueueItemId(string caseId) => $"queued:{caseId}";

    public const string DispatchId = "dispatch";

    public static async Task<TeamState?> LoadAsync(IStateStore store, string teamId, bool withQueue, CancellationToken cancellationToken) =>
        await store.ReadAsync<TeamDispatch>(Partitions.Team(teamId), DispatchId, cancellationToken) is { } dispatch
            ? await WithQueueAsync(store, teamId, dispatch, withQueue, cancellationToken)
            : null;

    private static async Task<TeamState> WithQueueAsync(
        IStateStore store, string teamId, Versioned<TeamDispatch> dispatch, bool withQueue, CancellationToken cancellationToken)
    {
        if (!withQueue)
        {
            return new TeamState(dispatch.Value, dispatch.ETag, new Dictionary<string, string>());
        }

        var queue = await store.QueryAsync<QueuedCase>(Partitions.Team(teamId), Kinds.Queued, cancellationToken);
        return new TeamState(
            dispatch.Value with { Queue = [.. queue.Select(q => q.Value)] },
            dispatch.ETag,
            queue.ToDictionary(q => q.Value.CaseId, q => q.ETag));
    }

    public const string RosterId = "roster";

    /// <summary>
    /// The team as routing sees it at <paramref name="at"/>: when the team has a published schedule (a roster),
    /// availability comes from it (on a case-handling shift, not overridden); otherwise the manual flags stand.
    /// </summary>
    public static async Task<TeamState?> LoadAsync(IStateStore store, string teamId, bool withQueue, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var read = await store.ReadManyAsync(Partitions.Team(teamId), [DispatchId, RosterId], cancellationToken);
        if (read[0].As<TeamDispatch>() is not { } dispatch)
        {
            return null;
        }

        var state = await WithQueueAsync(store, teamId, dispatch, withQueue, cancellationToken);
        return read[1].As<TeamRoster>() is { } roster ? state with { Dispatch = roster.Value.ApplyTo(state.Dispatch, at) } : state;
    }

    public static PutDocument PutDispatch(TeamDispatch dispatch, string? ifMatch) =>
        StateStoreExtensions.Put(DispatchId, Kinds.Dispatch, dispatch with { Queue = [] }, ifMatch);

    public static PutDocument PutQueueItem(QueuedCase item) =>
        StateStoreExtensions.Put(QueueItemId(item.CaseId), Kinds.Queued, item, PutDocument.Any);
}
