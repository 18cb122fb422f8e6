using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Application.Teams;

public enum BoardRole
{
    /// <summary>The team owns the customer and is accountable for the case, wherever it is worked.</summary>
    Owner,

    /// <summary>The team helped with a case spilled over from its owning team (credited as an assist).</summary>
    Helper,
}

public sealed record BoardEntry(
    string CaseId,
    string CustomerId,
    BoardRole Role,
    string OwningTeamId,
    string HandlingTeamId,
    CaseStatus Status,
    CaseTier Tier,
    CustomerTier CustomerTier,
    Channel Channel,
    string Topic,
    string? OfferedTo,
    string? AssignedTo,
    string? RepeatOf,
    bool Spilled,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    int Version)
{
    public static BoardEntry From(SupportCase c, BoardRole role) => new(
        c.Id, c.CustomerId, role, c.OwningTeamId, c.HandlingTeamId, c.Status, c.Tier, c.CustomerTier, c.Channel, c.Topic,
        c.OfferedTo, c.AssignedTo, c.RepeatOf, c.HelperTeamIds.Count > 0, c.OpenedAt, c.ResolvedAt, c.Version);

    public static string IdFor(string caseId) => $"board:{caseId}";
}

/// <summary>
/// Projects case events onto the boards of the owning team and of every helper team. A resolved
/// or closed case stays on the board for <see cref="FinishedKeptFor"/> and then expires, so a board
/// read stays the size of the team's recent work, not of its whole history (a reopen keeps it).
/// </summary>
public sealed class BoardProjection(IStateStore store, CaseService cases) : IChangeSubscriber
{
    public static readonly TimeSpan FinishedKeptFor = TimeSpan.FromDays(30);

    public string Name => "board";

    /// <summary>The case's entries show its current state, so an event followed in the batch by another of its case is left to that one.</summary>
    public async Task HandleAsync(ChangeBatch batch, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.EventAt(index) is not { } e || batch.HasLaterEventOfTheSameCase(index, _ => true))
        {
            return;
        }

        var current = (await batch.CaseAsync(cases, e.CaseId, cancellationToken))?.Value.State;
        if (current is null)
        {
            return;
        }

        await UpsertAsync(current.OwningTeamId, BoardEntry.From(current, BoardRole.Owner), cancellationToken);
        foreach (var helper in current.HelperTeamIds.Distinct().Where(h => h != current.OwningTeamId))
        {
            await UpsertAsync(helper, BoardEntry.From(current, BoardRole.Helper), cancellationToken);
        }
    }

    private async Task UpsertAsync(string teamId, BoardEntry entry, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        var id = BoardEntry.IdFor(entry.CaseId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await store.ReadAsync<BoardEntry>(partition, id, cancellationToken);
            if (existing is not null && existing.Value.Version >= entry.Version)
            {
                return;
            }

            var finished = entry.Status is CaseStatus.Resolved or CaseStatus.Closed;
            var put = StateStoreExtensions.Put(id, Kinds.Board, entry, existing?.ETag, timeToLive: finished ? FinishedKeptFor : null);
            if (await store.CommitAsync(partition, cancellationToken, put) is Committed)
            {
                return;
            }
        }
    }

    public async Task<IReadOnlyList<BoardEntry>> ReadAsync(string teamId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<BoardEntry>(Partitions.Team(teamId), Kinds.Board, cancellationToken)).Select(v => v.Value)];
}
