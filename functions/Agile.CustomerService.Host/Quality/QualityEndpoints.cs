using System.Globalization;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Quality;
using Agile.CustomerService.Domain.Quality;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.Quality;

internal sealed record TranscriptBody(string? Text, string? By);

internal sealed record PhraseBody(string? Id, PhraseKind? Kind, string? Text, string? Label);

internal sealed record PhraseListBody(string? By, IReadOnlyList<PhraseBody>? Phrases);

internal sealed record ExemptionBody(string? AgentId, string? Reason);

internal sealed record DecisionBody(string? CoachId, bool? Approved, string? Note);

/// <summary>
/// Flexible quality review: transcripts (checked against the team's forbidden phrases and flagged,
/// nothing scored), the phrase lists, and handle-time exemptions decided by a coach.
/// </summary>
internal static class QualityEndpoints
{
    /// <summary>A transcript is plain text of at most this many characters (the JSON body limit is 64 KB).</summary>
    public const int MaxTranscript = 50_000;

    public const int MaxReason = 2000;

    public static void MapQualityEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Quality");

        api.MapPost("/cases/{caseId}/transcript", async (string caseId, HttpRequest request, QualityService quality, CancellationToken ct) =>
            {
                if (Idempotency.KeyOf(request) is not { } key)
                {
                    return Idempotency.MissingKey();
                }

                var (body, _, error) = await Body.ReadAsync<TranscriptBody>(request);
                return error
                    ?? Validate.First(Validate.Text("text", body!.Text, MaxTranscript), Validate.Id("by", body.By))
                    ?? Access.ActsAsSelf(request.HttpContext.User, body.By)
                    ?? (await quality.AttachTranscriptAsync(caseId, body.Text!, body.By!, key, ct)).ToHttp();
            })
            .WithSummary("Attach a call or chat transcript to a case; it is checked against the handling team's forbidden phrases")
            .AllowTeam(TeamScope.Case, [Roles.Agent], [Roles.ContactSource]);

        api.MapGet("/cases/{caseId}/transcript", async (string caseId, QualityService quality, CancellationToken ct) =>
            {
                if (await quality.TranscriptsAsync(caseId, ct) is not { } transcripts)
                {
                    return HttpResults.NotFound($"case {caseId} does not exist");
                }

                return transcripts.Count == 0
                    ? HttpResults.NotFound($"case {caseId} has no transcript")
                    : HttpResults.Json(new { caseId, transcripts = transcripts.Select(t => new { t.Entry.Id, t.Entry.AttachedBy, t.Entry.AttachedAt, t.Entry.Length, t.Entry.AgentId, t.Entry.CheckedAgainstTeamId, t.Entry.FlagCount, t.Text }) });
            })
            .WithSummary("The case's transcripts (oldest first), with their text")
            .AllowTeam(TeamScope.Case, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/teams/{teamId}/quality/phrases", async (string teamId, QualityService quality, CancellationToken ct) =>
            {
                if (!await quality.TeamExistsAsync(teamId, ct))
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var list = await quality.PhrasesAsync(teamId, ct);
                return HttpResults.Json(list.Value, list.ETag);
            })
            .WithSummary("The team's forbidden phrases and patterns (information that must not be disclosed)")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPut("/teams/{teamId}/quality/phrases", async (string teamId, HttpRequest request, QualityService quality, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<PhraseListBody>(request);
                if (error is not null)
                {
                    return error;
                }

                if (Validate.First(Validate.Id("teamId", teamId), Validate.Id("by", body!.By)) is { } invalid)
                {
                    return invalid;
                }

                if (PhrasesProblem(body.Phrases, out var phrases) is { } problem)
                {
                    return HttpResults.BadRequest(problem);
                }

                return (await quality.PutPhrasesAsync(teamId, phrases, body.By!, request.Headers.IfMatch.ToString(), ct)).ToHttp();
            })
            .WithSummary("Replace the team's forbidden phrases (kind phrase: whole words, case-insensitive; kind pattern: a regular expression)")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Coach, Roles.Admin]);

        api.MapGet("/teams/{teamId}/quality/flags", async (string teamId, string? from, string? to, QualityService quality, CancellationToken ct) =>
            {
                var (start, end) = DateRange(from, to);
                if ((start is null && from is not null) || (end is null && to is not null))
                {
                    return HttpResults.BadRequest("from and to must be dates (YYYY-MM-DD)");
                }

                if (!await quality.TeamExistsAsync(teamId, ct))
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var flags = await quality.FlagsAsync(teamId, start, end, ct);
                return HttpResults.Json(new { teamId, count = flags.Count, flags });
            })
            .WithSummary("Transcripts of the team that broke its list, newest first (from/to: dates, to inclusive)")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Coach, Roles.Admin]);

        api.MapPost("/cases/{caseId}/exemption", async (string caseId, HttpRequest request, QualityService quality, CancellationToken ct) =>
            {
                if (Idempotency.KeyOf(request) is not { } key)
                {
                    return Idempotency.MissingKey();
                }

                var (body, _, error) = await Body.ReadAsync<ExemptionBody>(request);
                return error
                    ?? Validate.First(Validate.Id("agentId", body!.AgentId), Validate.Text("reason", body.Reason, MaxReason))
                    ?? Access.ActsAsSelf(request.HttpContext.User, body.AgentId)
                    ?? (await quality.RequestExemptionAsync(caseId, body.AgentId!, body.Reason!, key, ct)).ToHttp();
            })
            .WithSummary("An agent asks to exclude a case they served from handle-time metrics, with a reason")
            .AllowTeam(TeamScope.Case, [Roles.Agent], []);

        api.MapGet("/exemptions/{exemptionId}", async (string exemptionId, QualityService quality, CancellationToken ct) =>
                await quality.ExemptionAsync(exemptionId, ct) is { } exemption
                    ? HttpResults.Json(exemption)
                    : HttpResults.NotFound($"exemption {exemptionId} does not exist"))
            .WithSummary("An exemption request and its decision")
            .AllowRoles(Roles.Coach, Roles.Admin);

        api.MapPost("/exemptions/{exemptionId}/decision", async (string exemptionId, HttpRequest request, QualityService quality, CancellationToken ct) =>
            {
                if (Idempotency.KeyOf(request) is not { } key)
                {
                    return Idempotency.MissingKey();
                }

                var (body, _, error) = await Body.ReadAsync<DecisionBody>(request);
                return error
                    ?? Validate.First(
                        Validate.Id("coachId", body!.CoachId),
                        body.Approved is null ? "approved (true or false) is required" : null,
                        Validate.Text("note", body.Note, MaxReason, required: false))
                    ?? (await quality.DecideExemptionAsync(exemptionId, body.Approved!.Value, body.CoachId!, body.Note, key, ct)).ToHttp();
            })
            .WithSummary("A coach approves or declines an exemption; an approval excludes the case from the team's handle time")
            .AllowRoles(Roles.Coach);

        api.MapGet("/teams/{teamId}/quality/exemptions", async (string teamId, string? status, QualityService quality, CancellationToken ct) =>
            {
                ExemptionStatus? filter = status switch
                {
                    null or "pending" => ExemptionStatus.Pending,
                    "approved" => ExemptionStatus.Approved,
                    "declined" => ExemptionStatus.Declined,
                    "all" => null,
                    _ => (ExemptionStatus)(-1),
                };
                if (filter == (ExemptionStatus)(-1))
                {
                    return HttpResults.BadRequest("status must be pending, approved, declined or all");
                }

                if (!await quality.TeamExistsAsync(teamId, ct))
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var exemptions = await quality.ExemptionsAsync(teamId, filter, ct);
                return HttpResults.Json(new { teamId, status = status ?? "pending", count = exemptions.Count, exemptions });
            })
            .WithSummary("The team's exemption requests (default: pending, for the coach to decide)")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Coach, Roles.Admin]);
    }

    private static string? PhrasesProblem(IReadOnlyList<PhraseBody>? bodies, out IReadOnlyList<ForbiddenPhrase> phrases)
    {
        phrases = [];
        if (bodies is null)
        {
            return "phrases (a list, possibly empty) is required";
        }

        if (bodies.Count > ForbiddenPhrases.MaxEntries)
        {
            return $"phrases must have at most {ForbiddenPhrases.MaxEntries} entries";
        }

        var list = new List<ForbiddenPhrase>(bodies.Count);
        for (var i = 0; i < bodies.Count; i++)
        {
            var b = bodies[i];
            if (b is null)
            {
                return $"phrases[{i}] must be an object";
            }

            var id = b.Id ?? $"p{i + 1}";
            var problem = Validate.FirstProblem(
                Validate.Id($"phrases[{i}].id", id),
                Validate.Defined($"phrases[{i}].kind", b.Kind),
                Validate.Text($"phrases[{i}].text", b.Text, ForbiddenPhrases.MaxTextLength),
                Validate.Text($"phrases[{i}].label", b.Label, 100, required: false));
            if (problem is not null)
            {
                return problem;
            }

            var phrase = new ForbiddenPhrase(id, b.Kind!.Value, b.Text!, string.IsNullOrEmpty(b.Label) ? b.Text! : b.Label);
            if (ForbiddenPhrases.Problem(phrase) is { } unusable)
            {
                return $"phrases[{i}]: {unusable}";
            }

            if (list.Any(p => p.Id == id))
            {
                return $"phrases[{i}].id '{id}' is used twice";
            }

            list.Add(phrase);
        }

        phrases = list;
        return null;
    }

    /// <summary>Dates as a half-open instant range [from 00:00, day after to 00:00); null parts stay null.</summary>
    internal static (DateTimeOffset? From, DateTimeOffset? To) DateRange(string? from, string? to)
    {
        static DateTimeOffset? Day(string? text) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : null;
        return (Day(from), Day(to)?.AddDays(1));
    }
}
