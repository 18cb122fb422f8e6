using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Application.Metrics;

/// <summary>A survey answer as stored (CSAT 1-5 per case, NPS 0-10 per customer, employee pulse 0-10 per team, anonymous).</summary>
public sealed record SurveyResponse(string Id, string Survey, string TeamId, string? CaseId, string? CustomerId, int Score, string? Comment, DateTimeOffset At);

/// <summary>A customer's complaint, attributed to the owning team of the case or customer.</summary>
public sealed record Complaint(string Id, string TeamId, string CustomerId, string? CaseId, string Topic, string Text, DateTimeOffset At);

/// <summary>
/// Survey answers and complaints: each lands, in one commit of the team's partition, as a stored
/// document, a rollup contribution (with its drill-down entry) and the idempotency record.
/// </summary>
public sealed class FeedbackService(IStateStore store, CaseService cases, DailyRollupProjection rollups, TimeProvider time)
{
    public const string CsatSurvey = "csat";
    public const string NpsSurvey = "nps";
    public const string PulseSurvey = "pulse";

    public async Task<Outcome> CsatAsync(string caseId, int score, string? comment, string key, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(caseId, cancellationToken) is not { } stored)
        {
            return Problem.NotFound($"case {caseId} does not exist");
        }

        var c = stored.Value.State;
        if (c.ResolvedAt is null)
        {
            return Problem.Invalid($"case {caseId} has not been resolved: CSAT is asked after a resolution");
        }

        var now = time.GetUtcNow();
        var response = new SurveyResponse($"{CsatSurvey}:{caseId}", CsatSurvey, c.OwningTeamId, caseId, c.CustomerId, score, comment, now);
        return await RecordAsync(response, InputMetrics.Csat(c.OwningTeamId, Day(now), caseId, score), key,
            $"case {caseId} already has a CSAT answer (one per case)", cancellationToken);
    }

    public async Task<Outcome> NpsAsync(string customerId, string? caseId, int score, string? comment, string key, CancellationToken cancellationToken)
    {
        var customer = await store.ReadAsync<Customer>(Partitions.Customer(customerId), Kinds.Customer, cancellationToken);
        if (customer is null)
        {
            return Problem.NotFound($"customer {customerId} is not registered");
        }

        if (customer.Value.OwningTeamId is not { } teamId)
        {
            return Problem.Invalid($"customer {customerId} has no owning team yet (never contacted us)");
        }

        var now = time.GetUtcNow();
        var id = $"{NpsSurvey}:{CommandLog.DeterministicId(customerId, key)}";
        var response = new SurveyResponse(id, NpsSurvey, teamId, caseId, customerId, score, comment, now);
        return await RecordAsync(response, InputMetrics.Nps(teamId, Day(now), caseId ?? customerId, score), key, null, cancellationToken);
    }

    public async Task<Outcome> PulseAsync(string teamId, int score, string key, CancellationToken cancellationToken)
    {
        if (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is null)
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        // Anonymous by design: no agent id is taken or kept.
        var now = time.GetUtcNow();
        var response = new SurveyResponse($"{PulseSurvey}:{CommandLog.DeterministicId(teamId, key)}", PulseSurvey, teamId, null, null, score, null, now);
        return await RecordAsync(response, InputMetrics.Pulse(teamId, Day(now), score), key, null, cancellationToken);
    }

    public async Task<Outcome> ComplaintAsync(string customerId, string? caseId, string topic, string text, string key, CancellationToken cancellationToken)
    {
        string? teamId;
        if (caseId is not null)
        {
            var stored = await cases.GetAsync(caseId, cancellationToken);
            if (stored is null || stored.Value.State.CustomerId != customerId)
            {
                return Problem.NotFound($"case {caseId} of customer {customerId} does not exist");
            }

            teamId = stored.Value.State.OwningTeamId;
        }
        else
        {
            var customer = await store.ReadAsync<Customer>(Partitions.Customer(customerId), Kinds.Customer, cancellationToken);
            if (customer is null)
            {
                return Problem.NotFound($"customer {customerId} is not registered");
            }

            teamId = customer.Value.OwningTeamId;
        }

        if (teamId is null)
        {
            return Problem.Invalid($"customer {customerId} has no owning team yet (never contacted us)");
        }

        var partition = Partitions.Team(teamId);
        var hash = CommandLog.Hash("complaint", string.Join('\n', customerId, caseId, topic, text));
        if (await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) is { } replay)
        {
            return replay;
        }

        var now = time.GetUtcNow();
        var complaint = new Complaint($"complaint-{CommandLog.DeterministicId(teamId, key)}", teamId, customerId, caseId, topic, text, now);
        var success = new Success(201, Json.Write(complaint), null, $"/api/teams/{teamId}/complaints?day={Day(now):yyyy-MM-dd}");
        var extra = new WriteOperation[]
        {
            StateStoreExtensions.Put(complaint.Id, ComplaintKind(Day(now)), complaint, null),
            CommandLog.Record(key, "complaint", hash, success),
        };
        var result = await rollups.ApplyAsync(InputMetrics.Complaint(teamId, Day(now), caseId ?? complaint.Id), $"input:{key}", extra, cancellationToken);
        return result == RollupResult.Applied
            ? success
            : await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) ?? Problem.Conflict($"another request with idempotency key {key} is in progress");
    }

    /// <summary>Complaints of a team received on one day (kind <c>complaint:{day}</c>: one single-partition query per day).</summary>
    public async Task<IReadOnlyList<Complaint>> ComplaintsAsync(string teamId, DateOnly day, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Complaint>(Partitions.Team(teamId), ComplaintKind(day), cancellationToken)).Select(c => c.Value).OrderBy(c => c.At)];

    public static string ComplaintKind(DateOnly day) => $"{Kinds.Complaint}:{day:yyyy-MM-dd}";

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private async Task<Outcome> RecordAsync(SurveyResponse response, Contribution contribution, string key, string? duplicate, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(response.TeamId);
        var hash = CommandLog.Hash(response.Survey, string.Join('\n', response.CaseId, response.CustomerId, response.TeamId, response.Score, response.Comment));
        if (await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) is { } replay)
        {
            return replay;
        }

        var success = new Success(201, Json.Write(response));
        var extra = new WriteOperation[]
        {
            StateStoreExtensions.Put(response.Id, Kinds.Survey, response, null),
            CommandLog.Record(key, response.Survey, hash, success),
        };
        return await rollups.ApplyAsync(contribution, $"input:{key}", extra, cancellationToken) switch
        {
            RollupResult.Applied => success,
            _ when await CommandLog.ReplayAsync(store, partition, key, hash, cancellationToken) is { } again => again,
            _ => Problem.Conflict(duplicate ?? $"another request with idempotency key {key} is in progress"),
        };
    }
}
