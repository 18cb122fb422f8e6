using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Retrospectives;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Retrospectives;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Metrics;

namespace Agile.CustomerService.Host.Retros;

internal sealed record OpenRetroBody(string? Sprint, string? From, string? To, string? By);

internal sealed record RetroItemBody(RetroItemKind? Kind, string? Text, string? AuthorId, bool? Anonymous);

internal sealed record VoteBody(string? MemberId);

internal sealed record ActionBody(string? Title, string? OwnerId, string? DueDate, string? FromItemId);

internal sealed record ReviewBody(string? ActionId, ReviewOutcome? Outcome, string? Note);

internal sealed record CloseRetroBody(string? By);

/// <summary>Retrospectives per team and sprint, and the improvement-rhythm prompts (docs/retrospectives.md).</summary>
internal static class RetroEndpoints
{
    public const int MaxText = 1000;
    public const int MaxSprintDays = 92;

    public static void MapRetroEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/teams/{teamId}").WithTags("Retrospectives");

        api.MapPost("/retros", async (string teamId, HttpRequest request, RetroService retros, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<OpenRetroBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var from = MetricEndpoints.ParseDay(body!.From);
                var to = MetricEndpoints.ParseDay(body.To);
                return Validate.First(
                        Validate.Id("sprint", body.Sprint), Validate.Id("by", body.By),
                        from is null ? "from must be a date YYYY-MM-DD" : null,
                        to is null ? "to must be a date YYYY-MM-DD" : null,
                        from > to ? "from must not be after to" : null,
                        to?.DayNumber - from?.DayNumber >= MaxSprintDays ? $"a sprint is at most {MaxSprintDays} days" : null)
                    ?? (await retros.OpenAsync(teamId, body.Sprint!, from!.Value, to!.Value, body.By!, key!, ct)).ToHttp();
            })
            .WithSummary("Open a team's retro for a sprint: KPIs against the previous sprint, and the previous retro's action items to review");

        api.MapGet("/retros", async (string teamId, RetroService retros, CancellationToken ct) =>
                HttpResults.Json(await retros.ListAsync(teamId, ct)))
            .WithSummary("A team's retros, oldest first");

        api.MapGet("/retros/{sprint}", async (string teamId, string sprint, RetroService retros, CancellationToken ct) =>
                await retros.GetAsync(teamId, sprint, ct) is { } retro
                    ? HttpResults.Json(retro.Value, retro.ETag)
                    : HttpResults.NotFound($"team {teamId} has no retro for sprint {sprint}"))
            .WithSummary("One retro: metrics snapshot, review of the previous actions, items with votes, action items");

        api.MapPost("/retros/{sprint}/items", async (string teamId, string sprint, HttpRequest request, RetroService retros, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<RetroItemBody>(request);
                return error
                    ?? Validate.First(Validate.Defined("kind", body!.Kind), Validate.Text("text", body.Text, MaxText), Validate.Id("authorId", body.AuthorId))
                    ?? (await retros.AddItemAsync(teamId, sprint, body.Kind!.Value, body.Text!, body.AuthorId!, body.Anonymous ?? false, key!, ct)).ToHttp();
            })
            .WithSummary("A member adds an item (wentWell, toImprove, idea); anonymous items keep no author");

        api.MapPost("/retros/{sprint}/items/{itemId}/votes", async (string teamId, string sprint, string itemId, HttpRequest request, RetroService retros, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<VoteBody>(request);
                return error
                    ?? Validate.First(Validate.Id("memberId", body!.MemberId))
                    ?? (await retros.VoteAsync(teamId, sprint, itemId, body.MemberId!, key!, ct)).ToHttp();
            })
            .WithSummary("A member votes for an item; one vote per member per item");

        api.MapPost("/retros/{sprint}/actions", async (string teamId, string sprint, HttpRequest request, RetroService retros, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<ActionBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var due = MetricEndpoints.ParseDay(body!.DueDate);
                return Validate.First(
                        Validate.Text("title", body.Title, MaxText), Validate.Id("ownerId", body.OwnerId),
                        due is null ? "dueDate must be a date YYYY-MM-DD" : null,
                        body.FromItemId is null ? null : Validate.Id("fromItemId", body.FromItemId))
                    ?? (await retros.AddActionAsync(teamId, sprint, body.Title!, body.OwnerId!, due!.Value, body.FromItemId, key!, ct)).ToHttp();
            })
            .WithSummary("An action item with an owner (a member) and a due date, optionally from an item");

        api.MapPost("/retros/{sprint}/review", async (string teamId, string sprint, HttpRequest request, RetroService retros, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<ReviewBody>(request);
                return error
                    ?? Validate.First(Validate.Id("actionId", body!.ActionId), Validate.Defined("outcome", body.Outcome), Validate.Text("note", body.Note, MaxText, required: false))
                    ?? (await retros.ReviewAsync(teamId, sprint, body.ActionId!, body.Outcome!.Value, body.Note, key!, ct)).ToHttp();
            })
            .WithSummary("Review one of the previous retro's action items: done, carriedOver (joins this retro's actions) or dropped");

        api.MapPost("/retros/{sprint}/close", async (string teamId, string sprint, HttpRequest request, RetroService retros, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<CloseRetroBody>(request);
                return error
                    ?? Validate.First(Validate.Id("by", body!.By))
                    ?? (await retros.CloseAsync(teamId, sprint, body.By!, key!, ct)).ToHttp();
            })
            .WithSummary("Close the retro (every previous action item must have been reviewed)");

        api.MapGet("/prompts", async (string teamId, string? date, ImprovementPromptService prompts, IStateStore store, TimeProvider time, CancellationToken ct) =>
            {
                if (date is not null && MetricEndpoints.ParseDay(date) is null)
                {
                    return HttpResults.BadRequest("date must be a date YYYY-MM-DD");
                }

                if (await TeamState.LoadAsync(store, teamId, withQueue: false, ct) is null)
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var on = MetricEndpoints.ParseDay(date) ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
                return HttpResults.Json(await prompts.ForAsync(teamId, on, ct));
            })
            .WithSummary("Today's improvement prompts: a complaint to listen to, the week's customer-experience problem, the month's capability");
    }
}
