using System.Globalization;
using System.Text;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Pilots;
using Agile.CustomerService.Domain.Pilots;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Metrics;

namespace Agile.CustomerService.Host.Pilots;

internal sealed record BaselineBody(BaselineKind? Kind, IReadOnlyList<string>? TeamIds, int? Days);

internal sealed record PilotBody(string? PilotId, string? RegionId, IReadOnlyList<string>? TeamIds, string? StartDate, BaselineBody? Baseline, string? By);

/// <summary>Pilots per region and their comparison with a baseline (docs/metrics.md, "Pilots").</summary>
internal static class PilotEndpoints
{
    public static void MapPilotEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/pilots").WithTags("Pilots");

        api.MapPost("", async (HttpRequest request, PilotService pilots, CancellationToken ct) =>
            {
                var (body, key, error) = await MetricEndpoints.ReadAsync<PilotBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var start = MetricEndpoints.ParseDay(body!.StartDate);
                var teams = body.TeamIds ?? [];
                var baseline = body.Baseline;
                var control = baseline?.TeamIds ?? [];
                var problem = Validate.FirstProblem(
                    Validate.Id("pilotId", body.PilotId), Validate.Id("regionId", body.RegionId), Validate.Id("by", body.By),
                    start is null ? "startDate must be a date YYYY-MM-DD" : null,
                    Validate.Range("teamIds.length", teams.Count, 1, PilotService.MaxTeams),
                    teams.Select(t => Validate.Id("teamIds[]", t)).FirstOrDefault(p => p is not null),
                    teams.Distinct(StringComparer.Ordinal).Count() != teams.Count ? "teamIds must not repeat a team" : null,
                    baseline is null ? "baseline is required: {\"kind\":\"controlTeams\",\"teamIds\":[...]} or {\"kind\":\"prePilot\"}" : Validate.Defined("baseline.kind", baseline.Kind),
                    baseline?.Kind == BaselineKind.ControlTeams ? Validate.Range("baseline.teamIds.length", control.Count, 1, PilotService.MaxTeams) : null,
                    baseline?.Kind == BaselineKind.PrePilot && control.Count > 0 ? "baseline.teamIds is only for kind controlTeams" : null,
                    control.Select(t => Validate.Id("baseline.teamIds[]", t)).FirstOrDefault(p => p is not null),
                    control.Intersect(teams, StringComparer.Ordinal).FirstOrDefault() is { } both ? $"team {both} cannot be both in the pilot and a control team" : null,
                    baseline?.Days is { } days ? Validate.Range("baseline.days", days, 1, 366) : null);
                return problem is not null
                    ? HttpResults.BadRequest(problem)
                    : (await pilots.DefineAsync(body.PilotId!, body.RegionId!, teams, start!.Value, new Baseline(baseline!.Kind!.Value, control, baseline.Days), body.By!, key!, ct)).ToHttp();
            })
            .WithSummary("Define a pilot: region, teams, start date and baseline (control teams, or the pre-pilot period)");

        api.MapGet("", async (PilotService pilots, CancellationToken ct) => HttpResults.Json(await pilots.ListAsync(ct)))
            .WithSummary("All pilots");

        api.MapGet("/{pilotId}", async (string pilotId, PilotService pilots, CancellationToken ct) =>
                await pilots.GetAsync(pilotId, ct) is { } pilot ? HttpResults.Json(pilot) : HttpResults.NotFound($"pilot {pilotId} does not exist"))
            .WithSummary("One pilot");

        api.MapGet("/{pilotId}/comparison", async (string pilotId, string? to, string? format, PilotService pilots, TimeProvider time, CancellationToken ct) =>
            {
                if (format is not (null or "json" or "csv"))
                {
                    return HttpResults.BadRequest("format must be json or csv");
                }

                if (to is not null && MetricEndpoints.ParseDay(to) is null)
                {
                    return HttpResults.BadRequest("to must be a date YYYY-MM-DD");
                }

                if (await pilots.GetAsync(pilotId, ct) is not { } pilot)
                {
                    return HttpResults.NotFound($"pilot {pilotId} does not exist");
                }

                var until = MetricEndpoints.ParseDay(to) ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
                if (until < pilot.StartDate || until.DayNumber - pilot.StartDate.DayNumber >= Application.Metrics.MetricsService.MaxDays)
                {
                    return HttpResults.BadRequest($"to must be from the pilot's start {pilot.StartDate:yyyy-MM-dd} and at most {Application.Metrics.MetricsService.MaxDays} days after it");
                }

                var report = (await pilots.CompareAsync(pilotId, until, ct))!;
                return format == "csv" ? MetricEndpoints.Csv($"pilot-{pilotId}-{until:yyyy-MM-dd}.csv", Csv(report)) : HttpResults.Json(report);
            })
            .WithSummary("Pilot against baseline: each KPI's difference with a 95% confidence interval and the model's reported effect; ?format=csv for CSV");
    }

    private static string Csv(PilotReport report)
    {
        var csv = new StringBuilder("pilotId,kpi,unit,pilot,baseline,difference,ciLow,ciHigh,relativeDifference,verdict,expected,consistentWithExpected\n");
        foreach (var k in report.Kpis)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{report.PilotId},{k.Kpi},{k.Unit},{k.Pilot.Value},{k.Baseline.Value},{k.Difference},{k.Ci95?.Low},{k.Ci95?.High},{k.RelativeDifference},{k.Verdict},{k.Expected?.Reported},{k.ConsistentWithExpected}\n");
        }

        return csv.ToString();
    }
}
