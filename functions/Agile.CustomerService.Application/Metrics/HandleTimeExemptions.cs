using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.Metrics;

/// <summary>
/// The contract with the quality feature (docs/metrics.md, "Handle-time exemptions"): a document
/// of kind <c>handle-time-exemption</c>, id <c>handle-time-exemption:{caseId}</c>, in the partition
/// of the team whose agent resolved the case (<c>team:{teamId}</c>). Only <see cref="Approved"/>
/// exemptions take the case's handle time out of average handle time; other fields are ignored here.
/// </summary>
public sealed record HandleTimeExemption(string CaseId, bool Approved)
{
    public static string IdFor(string caseId) => $"{Kinds.HandleTimeExemption}:{caseId}";
}

/// <summary>The read port metrics use: which cases of a team have an approved exemption.</summary>
public interface IHandleTimeExemptions
{
    Task<IReadOnlyList<string>> ApprovedCaseIdsAsync(string teamId, CancellationToken cancellationToken);
}

/// <summary>Reads the exemption documents the quality feature writes (one single-partition query).</summary>
public sealed class StoredHandleTimeExemptions(IStateStore store) : IHandleTimeExemptions
{
    public async Task<IReadOnlyList<string>> ApprovedCaseIdsAsync(string teamId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<HandleTimeExemption>(Partitions.Team(teamId), Kinds.HandleTimeExemption, cancellationToken))
            .Where(e => e.Value.Approved).Select(e => e.Value.CaseId).Distinct(StringComparer.Ordinal)];
}
