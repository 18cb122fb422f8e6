using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Quality;

namespace Agile.CustomerService.Application.Quality;

/// <summary>A team's list of forbidden phrases and patterns; one document in the team's partition.</summary>
public sealed record PhraseList(string TeamId, IReadOnlyList<ForbiddenPhrase> Phrases, string? UpdatedBy, DateTimeOffset? UpdatedAt)
{
    public const string Id = "quality-phrases";

    public static PhraseList Empty(string teamId) => new(teamId, [], null, null);
}

/// <summary>A transcript attached to a case; the text is a blob (container <c>transcripts</c>).</summary>
public sealed record TranscriptEntry(
    string Id,
    string CaseId,
    string Blob,
    int Length,
    string AttachedBy,
    DateTimeOffset AttachedAt,
    string CheckedAgainstTeamId,
    string? AgentId,
    int FlagCount);

/// <summary>The transcripts of one case, a side document of the case in the customer's partition.</summary>
public sealed record TranscriptIndex(string CaseId, IReadOnlyList<TranscriptEntry> Transcripts)
{
    public static string DocumentId(string caseId) => $"transcripts:{caseId}";
}

/// <summary>A transcript that broke the team's list: where, and which entries. Stored in the team's partition.</summary>
public sealed record QualityFlag(
    string Id,
    string TeamId,
    string CaseId,
    string TranscriptId,
    string? AgentId,
    DateTimeOffset FlaggedAt,
    IReadOnlyList<PhraseMatch> Matches)
{
    public static string DocumentId(string transcriptId) => $"quality-flag:{transcriptId}";
}

/// <summary>
/// An approved exclusion of a case from handle-time metrics, read by the metrics (average handle
/// time, <see cref="Metrics.HandleTimeExemption"/>: docs/metrics.md). One per case and team, in the
/// team's partition, kind <see cref="Kinds.HandleTimeExemption"/>, id <c>handle-time-exemption:{caseId}</c>.
/// Only approved decisions are stored as this kind; a declined request stays an <see cref="ExemptionRequest"/>.
/// </summary>
public sealed record HandleTimeExemptionDocument(
    string CaseId,
    string TeamId,
    bool Approved,
    string DecidedBy,
    string Reason,
    string AgentId,
    string RequestId,
    DateTimeOffset DecidedAt)
{
    public static string DocumentId(string caseId) => Metrics.HandleTimeExemption.IdFor(caseId);
}

public static class QualityKinds
{
    public const string PhraseList = "quality-phrases";
    public const string Transcripts = "transcripts";
    public const string Flag = "quality-flag";
    public const string ExemptionRequest = "exemption-request";
}
