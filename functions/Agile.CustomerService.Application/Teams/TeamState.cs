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

    public static async Task<TeamState?> LoadAsync(IStateStore store, string teamId, bool withQueue, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        var dispatch = await store.ReadAsync<TeamDispatch>(partition, DispatchId, cancellationToken);
        if (dispatch is null)
        {
            return null;
        }

        if (!withQueue)
        {
            return new TeamState(dispatch.Value, dispatch.ETag, new Dictionary<string, string>());
        }

        var queue = await store.QueryAsync<QueuedCase>(partition, Kinds.Queued, cancellationToken);
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
        var state = await LoadAsync(store, teamId, withQueue, cancellationToken);
        if (state is null)
        {
            return null;
        }

        var roster = await store.ReadAsync<TeamRoster>(Partitions.Team(teamId), RosterId, cancellationToken);
        return roster is null ? state : state with { Dispatch = roster.Value.ApplyTo(state.Dispatch, at) };
    }

    public static PutDocument PutDispatch(TeamDispatch dispatch, string? ifMatch) =>
        StateStoreExtensions.Put(DispatchId, Kinds.Dispatch, dispatch with { Queue = [] }, ifMatch);

    public static PutDocument PutQueueItem(QueuedCase item) =>
        StateStoreExtensions.Put(QueueItemId(item.CaseId), Kinds.Queued, item, PutDocument.Any);
}
