using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Blobs;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Quality;

namespace Agile.CustomerService.Application.Quality;

/// <summary>
/// Flexible quality review (DOMAIN.md point 9): transcripts attached to cases and checked against
/// the team's forbidden phrases (flags, nothing scored), and handle-time exemptions that a coach
/// approves or declines. Root handlers: load, decide (pure), save with ETag; every mutation is
/// idempotent by its Idempotency-Key.
/// </summary>
public sealed class QualityService(IStateStore store, IBlobStore blobs, CaseService cases, AdminService admin, TimeProvider time)
{
    private const int MaxAttempts = 8;
    // ---------------------------------------------------------------- forbidden phrases

    public async Task<bool> TeamExistsAsync(string teamId, CancellationToken cancellationToken) =>
        await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is not null;

    public async Task<Versioned<PhraseList>> PhrasesAsync(string teamId, CancellationToken cancellationToken) =>
        await store.ReadAsync<PhraseList>(Partitions.Team(teamId), PhraseList.Id, cancellationToken)
            ?? new Versioned<PhraseList>(PhraseList.Empty(teamId), "\"0\"");

    /// <summary>Replaces the team's list (PUT semantics: repeating it changes nothing). If-Match is optional.</summary>
    public async Task<Outcome> PutPhrasesAsync(string teamId, IReadOnlyList<ForbiddenPhrase> phrases, string by, string? ifMatch, CancellationToken cancellationToken)
    {
        if (!await TeamExistsAsync(teamId, cancellationToken))
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        var partition = Partitions.Team(teamId);
        var current = await store.ReadAsync<PhraseList>(partition, PhraseList.Id, cancellationToken);
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && ifMatch != (current?.ETag ?? "\"0\""))
        {
            return Problem.Stale($"the phrase list of team {teamId} changed since it was read; GET it again");
        }

        var list = new PhraseList(teamId, phrases, by, time.GetUtcNow());
        var result = await store.CommitAsync(partition, cancellationToken,
            StateStoreExtensions.Put(PhraseList.Id, QualityKinds.PhraseList, list, current?.ETag));
        return result switch
        {
            Committed c => new Success(200, Json.Write(list), c.ETags[PhraseList.Id]),
            _ => Problem.Stale($"the phrase list of team {teamId} changed meanwhile; GET it again"),
        };
    }

    public async Task<IReadOnlyList<QualityFlag>> FlagsAsync(string teamId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var flags = await store.QueryAsync<QualityFlag>(Partitions.Team(teamId), QualityKinds.Flag, cancellationToken);
        return [.. flags.Select(f => f.Value)
            .Where(f => (from is null || f.FlaggedAt >= from) && (to is null || f.FlaggedAt < to))
            .OrderByDescending(f => f.FlaggedAt).ThenBy(f => f.Id, StringComparer.Ordinal)];
    }

    // ---------------------------------------------------------------- transcripts

    /// <summary>
    /// Stores the transcript as a blob, checks it against the list of the team that handles the case,
    /// writes a flag to that team when it breaks the list, and records the transcript on the case.
    /// Steps are ordered so a retry with the same key completes a half-done attempt: blob and flag
    /// have ids derived from the key, the case's side document is written last with the key's record.
    /// </summary>
    public async Task<Outcome> AttachTranscriptAsync(string caseId, string text, string by, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (CaseIds.CustomerOf(caseId) is not { } customerId)
        {
            return Problem.NotFound($"case {caseId} does not exist");
        }

        var partition = Partitions.Customer(customerId);
        var requestHash = Hash("transcript", $"{caseId}\n{by}\n{text}");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }

            if (await cases.GetAsync(caseId, cancellationToken) is not { } stored)
            {
                return Problem.NotFound($"case {caseId} does not exist");
            }

            var c = stored.Value.State;
            var transcriptId = DeterministicId(partition, idempotencyKey);
            var teamId = c.HandlingTeamId;
            var agentId = c.AssignedTo ?? c.LastServedBy;
            var now = time.GetUtcNow();
            var phrases = (await PhrasesAsync(teamId, cancellationToken)).Value.Phrases;
            var matches = ForbiddenPhrases.Check(phrases, text);

            var blob = $"{caseId}/{transcriptId}.txt";
            await blobs.PutAsync(BlobNames.Transcripts, blob, Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", cancellationToken);
            if (matches.Count > 0)
            {
                var flag = new QualityFlag(transcriptId, teamId, caseId, transcriptId, agentId, now, matches);
                await store.CommitAsync(Partitions.Team(teamId), cancellationToken,
                    StateStoreExtensions.Put(QualityFlag.DocumentId(transcriptId), QualityKinds.Flag, flag, PutDocument.Any));
            }

            var entry = new TranscriptEntry(transcriptId, caseId, blob, text.Length, by, now, teamId, agentId, matches.Count);
            var index = await store.ReadAsync<TranscriptIndex>(partition, TranscriptIndex.DocumentId(caseId), cancellationToken);
            var next = new TranscriptIndex(caseId, [.. index?.Value.Transcripts ?? [], entry]);
            var body = Json.Write(new { caseId, transcript = entry, flags = matches });
            var location = $"/api/cases/{caseId}/transcript";
            var result = await CommitWithRecordAsync(
                partition,
                [StateStoreExtensions.Put(TranscriptIndex.DocumentId(caseId), QualityKinds.Transcripts, next, index?.ETag)],
                idempotencyKey, "transcript", requestHash, 201, body, location, cancellationToken);
            if (result is Committed)
            {
                return new Success(201, body, null, location);
            }
        }

        throw new StoreUnavailableException($"attaching a transcript to case {caseId} kept conflicting; try again");
    }

    /// <summary>The case's transcripts with their text, oldest first; null when the case does not exist.</summary>
    public async Task<IReadOnlyList<(TranscriptEntry Entry, string Text)>?> TranscriptsAsync(string caseId, CancellationToken cancellationToken)
    {
        if (CaseIds.CustomerOf(caseId) is not { } customerId || await cases.GetAsync(caseId, cancellationToken) is null)
        {
            return null;
        }

        var index = await store.ReadAsync<TranscriptIndex>(Partitions.Customer(customerId), TranscriptIndex.DocumentId(caseId), cancellationToken);
        var result = new List<(TranscriptEntry, string)>();
        foreach (var entry in index?.Value.Transcripts ?? [])
        {
            var blob = await blobs.GetAsync(BlobNames.Transcripts, entry.Blob, cancellationToken);
            result.Add((entry, blob is null ? "" : Encoding.UTF8.GetString(blob.Data.Span)));
        }

        return result;
    }

    // ---------------------------------------------------------------- exemptions

    /// <summary>An agent who served the case asks to exclude it from handle-time metrics, with a reason.</summary>
    public async Task<Outcome> RequestExemptionAsync(string caseId, string agentId, string reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (await admin.AgentAsync(agentId, cancellationToken) is not { } agent)
        {
            return Problem.Invalid($"agent {agentId} does not exist");
        }

        var partition = Partitions.Team(agent.TeamId);
        var requestHash = Hash("exemption", $"{caseId}\n{agentId}\n{reason}");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }

            if (await cases.GetAsync(caseId, cancellationToken) is not { } stored)
            {
                return Problem.NotFound($"case {caseId} does not exist");
            }

            var c = stored.Value.State;
            if (c.AssignedTo != agentId && c.LastServedBy != agentId && !c.Assistants.Contains(agentId))
            {
                return Problem.Invalid($"{agentId} has not worked on case {caseId}; only an agent who served it can ask to exclude it");
            }

            var existing = (await store.QueryAsync<ExemptionRequest>(partition, QualityKinds.ExemptionRequest, cancellationToken))
                .Select(e => e.Value)
                .FirstOrDefault(e => e.CaseId == caseId && e.Status != ExemptionStatus.Declined);
            if (existing is not null)
            {
                return Problem.Conflict($"case {caseId} already has a {existing.Status.ToString().ToLowerInvariant()} exemption ({existing.Id})");
            }

            var id = ExemptionIds.New(agent.TeamId, DeterministicId(partition, idempotencyKey));
            var request = new ExemptionRequest(id, caseId, agent.TeamId, agentId, reason, time.GetUtcNow(), ExemptionStatus.Pending, null, null, null);
            var body = Json.Write(request);
            var location = $"/api/exemptions/{id}";
            var result = await CommitWithRecordAsync(
                partition, [StateStoreExtensions.Put(ExemptionIds.DocumentId(id), QualityKinds.ExemptionRequest, request, null)],
                idempotencyKey, "exemption", requestHash, 201, body, location, cancellationToken);
            if (result is Committed)
            {
                return new Success(201, body, null, location);
            }
        }

        throw new StoreUnavailableException($"the exemption request for case {caseId} kept conflicting; try again");
    }

    /// <summary>A coach approves or declines; an approval becomes a <see cref="HandleTimeExemptionDocument"/> the metrics read.</summary>
    public async Task<Outcome> DecideExemptionAsync(string exemptionId, bool approve, string coachId, string? note, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (ExemptionIds.TeamOf(exemptionId) is not { } teamId)
        {
            return Problem.NotFound($"exemption {exemptionId} does not exist");
        }

        var partition = Partitions.Team(teamId);
        var requestHash = Hash("exemption-decision", $"{exemptionId}\n{approve}\n{coachId}\n{note}");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }

            if (await store.ReadAsync<ExemptionRequest>(partition, ExemptionIds.DocumentId(exemptionId), cancellationToken) is not { } stored)
            {
                return Problem.NotFound($"exemption {exemptionId} does not exist");
            }

            var now = time.GetUtcNow();
            if (Exemptions.Decide(stored.Value, approve, coachId, note, now) is not ExemptionDecided { Request: var decided })
            {
                var rejected = (ExemptionRejected)Exemptions.Decide(stored.Value, approve, coachId, note, now);
                return Problem.Conflict(rejected.Reason);
            }

            var writes = new List<WriteOperation> { StateStoreExtensions.Put(ExemptionIds.DocumentId(exemptionId), QualityKinds.ExemptionRequest, decided, stored.ETag) };
            if (decided.Status == ExemptionStatus.Approved)
            {
                var exemption = new HandleTimeExemptionDocument(decided.CaseId, teamId, true, coachId, decided.Reason, decided.AgentId, decided.Id, now);
                writes.Add(StateStoreExtensions.Put(HandleTimeExemptionDocument.DocumentId(decided.CaseId), Kinds.HandleTimeExemption, exemption, PutDocument.Any));
            }

            var body = Json.Write(decided);
            var result = await CommitWithRecordAsync(partition, writes, idempotencyKey, "exemption-decision", requestHash, 200, body, null, cancellationToken);
            if (result is Committed)
            {
                return new Success(200, body);
            }
        }

        throw new StoreUnavailableException($"the decision on exemption {exemptionId} kept conflicting; try again");
    }

    public async Task<ExemptionRequest?> ExemptionAsync(string exemptionId, CancellationToken cancellationToken) =>
        ExemptionIds.TeamOf(exemptionId) is { } teamId
            ? (await store.ReadAsync<ExemptionRequest>(Partitions.Team(teamId), ExemptionIds.DocumentId(exemptionId), cancellationToken))?.Value
            : null;

    public async Task<IReadOnlyList<ExemptionRequest>> ExemptionsAsync(string teamId, ExemptionStatus? status, CancellationToken cancellationToken)
    {
        var all = await store.QueryAsync<ExemptionRequest>(Partitions.Team(teamId), QualityKinds.ExemptionRequest, cancellationToken);
        return [.. all.Select(e => e.Value).Where(e => status is null || e.Status == status)
            .OrderBy(e => e.RequestedAt).ThenBy(e => e.Id, StringComparer.Ordinal)];
    }

    // ---------------------------------------------------------------- idempotency

    private Task<Outcome?> ReplayAsync(string partition, string key, string requestHash, CancellationToken cancellationToken) =>
        CommandLog.ReplayAsync(store, partition, key, requestHash, cancellationToken, null);

    private async Task<CommitResult> CommitWithRecordAsync(
        string partition, List<WriteOperation> writes, string key, string operation,
        string requestHash, int status, string body, string? location, CancellationToken cancellationToken)
    {
        writes.Add(CommandLog.Record(key, operation, requestHash, status, body, null, location, null));
        return await store.CommitAsync(partition, writes, [], cancellationToken);
    }


    private static string Hash(string operation, string body) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + body)));

    private static string DeterministicId(string partition, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition + "\n" + key)).AsSpan(0, 16));
}

/// <summary>Exemption ids carry the team id (their partition), so a decision is one point read away.</summary>
public static class ExemptionIds
{
    public const char Separator = '~';

    public static string New(string teamId, string unique) => $"{teamId}{Separator}{unique}";

    public static string DocumentId(string exemptionId) => $"exemption:{exemptionId}";

    public static string? TeamOf(string exemptionId)
    {
        var at = exemptionId.LastIndexOf(Separator);
        if (at <= 0 || exemptionId.Length - at - 1 != 32)
        {
            return null;
        }

        var teamId = exemptionId[..at];
        return Domain.Organisation.Ids.IsValid(teamId) && exemptionId[(at + 1)..].All(char.IsAsciiHexDigitLower) ? teamId : null;
    }
}
