using System.Globalization;
using System.Text;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.Metrics;

internal sealed record CsatBody(string? CaseId, int? Score, string? Comment);

internal sealed record NpsBody(string? CustomerId, string? CaseId, int? Score, string? Comment);

internal sealed record PulseBody(string? TeamId, int? Score);

internal sealed record ComplaintBody(string? CustomerId, string? CaseId, string? Topic, string? Text);

/// <summary>A KPI as the API shows it.</summary>
internal sealed record KpiView(double? Value, double Numerator, double Denominator, string Unit, string Attribution);

internal sealed record DayView(DateOnly Day, IReadOnlyDictionary<string, KpiView> Kpis);

internal sealed record TeamMetricsView(string TeamId, DateOnly From, DateOnly To, int Agents, IReadOnlyDictionary<string, KpiView> Kpis, IReadOnlyList<DayView> Series);

internal sealed record TeamSummaryView(string TeamId, int Agents, IReadOnlyDictionary<string, KpiView> Kpis);

internal sealed record TeamsView(DateOnly From, DateOnly To, IReadOnlyList<TeamSummaryView> Teams);

/// <summary>Metrics read API (docs/metrics.md), survey answers and complaints.</summary>
internal static class MetricEndpoints
{
    public const int MaxComment = 2000;

    public static void MapMetricEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Metrics");

        api.MapGet("/metrics/teams/{teamId}", async (string teamId, HttpRequest request, MetricsService metrics, CancellationToken ct) =>
            {
                if (Window(request) is not { } window)
                {
                    return WindowProblem(request);
                }

                if (await metrics.TeamAsync(teamId, window.From, window.To, ct) is not { } result)
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var view = ToView(result);
                return window.Csv ? Csv($"metrics-{teamId}-{window.From:yyyy-MM-dd}-{window.To:yyyy-MM-dd}.csv", TeamCsv(view)) : HttpResults.Json(view);
            })
            .WithSummary("A team's KPIs over a window (value, numerator, denominator) and a per-day series; ?format=csv for CSV")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/metrics/teams", async (HttpRequest request, MetricsService metrics, CancellationToken ct) =>
            {
                if (Window(request) is not { } window)
                {
                    return WindowProblem(request);
                }

                var teams = await metrics.TeamsAsync(window.From, window.To, ct);
                var view = new TeamsView(window.From, window.To, [.. teams.Select(t => new TeamSummaryView(t.TeamId, t.Agents, Kpis(t.Kpis)))]);
                return window.Csv ? Csv($"metrics-teams-{window.From:yyyy-MM-dd}-{window.To:yyyy-MM-dd}.csv", TeamsCsv(view)) : HttpResults.Json(view);
            })
            .WithSummary("Every team's KPIs over a window, side by side; ?format=csv for CSV")
            .AllowRoles(Roles.Coach, Roles.Admin);

        api.MapGet("/metrics/teams/{teamId}/cases", async (string teamId, string? kpi, HttpRequest request, MetricsService metrics, CancellationToken ct) =>
            {
                if (Window(request) is not { } window)
                {
                    return WindowProblem(request);
                }

                var definition = Domain.Metrics.Kpis.Find(kpi);
                if (definition is null || definition.NumeratorFacts.Count + definition.DenominatorFacts.Count == 0)
                {
                    return HttpResults.BadRequest($"kpi must be one of {string.Join(", ", Domain.Metrics.Kpis.All.Where(k => k.NumeratorFacts.Count > 0).Select(k => k.Name))} (employeeNps is anonymous)");
                }

                if (await metrics.TeamAsync(teamId, window.To, window.To, ct) is null)
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var drill = await metrics.DrillAsync(teamId, definition, window.From, window.To, ct);
                return window.Csv ? Csv($"cases-{teamId}-{definition.Name}-{window.From:yyyy-MM-dd}-{window.To:yyyy-MM-dd}.csv", DrillCsv(drill)) : HttpResults.Json(drill);
            })
            .WithSummary("Drill-down: the cases behind a KPI of a team over a window; ?format=csv for CSV")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        var feedback = app.MapGroup("/api").WithTags("Feedback");

        feedback.MapPost("/surveys/csat", async (HttpRequest request, FeedbackService service, CancellationToken ct) =>
            {
                var (body, key, error) = await ReadAsync<CsatBody>(request);
                return error
                    ?? Validate.First(Validate.Text("caseId", body!.CaseId, 200), Score("score", body.Score, 1, 5), Validate.Text("comment", body.Comment, MaxComment, required: false))
                    ?? (await service.CsatAsync(body.CaseId!, body.Score!.Value, body.Comment, key!, ct)).ToHttp();
            })
            .WithSummary("A customer's satisfaction with a resolved case (1-5; 4 and 5 count as satisfied); one per case")
            .AllowRoles(Roles.ContactSource, Roles.Admin);

        feedback.MapPost("/surveys/nps", async (HttpRequest request, FeedbackService service, CancellationToken ct) =>
            {
                var (body, key, error) = await ReadAsync<NpsBody>(request);
                return error
                    ?? Validate.First(
                        Validate.Id("customerId", body!.CustomerId), Score("score", body.Score, 0, 10),
                        body.CaseId is null ? null : Validate.Text("caseId", body.CaseId, 200), Validate.Text("comment", body.Comment, MaxComment, required: false))
                    ?? (await service.NpsAsync(body.CustomerId!, body.CaseId, body.Score!.Value, body.Comment, key!, ct)).ToHttp();
            })
            .WithSummary("A customer's likelihood to recommend (0-10), credited to their owning team")
            .AllowRoles(Roles.ContactSource, Roles.Admin);

        feedback.MapPost("/surveys/pulse", async (HttpRequest request, FeedbackService service, CancellationToken ct) =>
            {
                var (body, key, error) = await ReadAsync<PulseBody>(request);
                return error
                    ?? Validate.First(Validate.Id("teamId", body!.TeamId), Score("score", body.Score, 0, 10))
                    ?? (request.HttpContext.User.TeamId() == body.TeamId ? null : Access.Forbidden("agents answer the pulse of their own team"))
                    ?? (await service.PulseAsync(body.TeamId!, body.Score!.Value, key!, ct)).ToHttp();
            })
            .WithSummary("An agent's anonymous employee pulse (0-10: would you recommend working in this team?)")
            .AllowRoles(Roles.Agent);

        feedback.MapPost("/complaints", async (HttpRequest request, FeedbackService service, CancellationToken ct) =>
            {
                var (body, key, error) = await ReadAsync<ComplaintBody>(request);
                return error
                    ?? Validate.First(
                        Validate.Id("customerId", body!.CustomerId), body.CaseId is null ? null : Validate.Text("caseId", body.CaseId, 200),
                        Validate.Text("topic", body.Topic, 200), Validate.Text("text", body.Text, MaxComment))
                    ?? (await service.ComplaintAsync(body.CustomerId!, body.CaseId, body.Topic!, body.Text!, key!, ct)).ToHttp();
            })
            .WithSummary("A customer's complaint, credited to the owning team of the case (or of the customer)")
            .AllowRoles(Roles.ContactSource, Roles.Agent, Roles.Coach, Roles.Admin);

        feedback.MapGet("/teams/{teamId}/complaints", async (string teamId, string? day, FeedbackService service, TimeProvider time, CancellationToken ct) =>
            {
                if (day is not null && ParseDay(day) is null)
                {
                    return HttpResults.BadRequest("day must be a date YYYY-MM-DD");
                }

                var on = day is null ? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) : ParseDay(day)!.Value;
                return HttpResults.Json(await service.ComplaintsAsync(teamId, on, ct));
            })
            .WithSummary("A team's complaints received on one day (default today)")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);
    }

    /// <summary>A window from ?from and ?to (YYYY-MM-DD, inclusive; default the last 14 days) and ?format.</summary>
    internal static (DateOnly From, DateOnly To, bool Csv)? Window(HttpRequest request) =>
        WindowOrProblem(request).Problem is null ? WindowOrProblem(request).Window : null;

    internal static IResult WindowProblem(HttpRequest request) => HttpResults.BadRequest(WindowOrProblem(request).Problem!);

    private static ((DateOnly From, DateOnly To, bool Csv)? Window, string? Problem) WindowOrProblem(HttpRequest request)
    {
        var query = request.Query;
        var format = query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
        {
            return (null, "format must be json or csv");
        }

        var today = DateOnly.FromDateTime(request.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        DateOnly? to = query.ContainsKey("to") ? ParseDay(query["to"].ToString()) : today;
        if (to is null)
        {
            return (null, "to must be a date YYYY-MM-DD");
        }

        DateOnly? from = query.ContainsKey("from") ? ParseDay(query["from"].ToString()) : to.Value.AddDays(-13);
        if (from is null)
        {
            return (null, "from must be a date YYYY-MM-DD");
        }

        if (from > to)
        {
            return (null, "from must not be after to");
        }

        if (to.Value.DayNumber - from.Value.DayNumber >= MetricsService.MaxDays)
        {
            return (null, $"the window must be at most {MetricsService.MaxDays} days");
        }

        return ((from.Value, to.Value, format == "csv"), null);
    }

    internal static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    internal static string? Score(string field, int? score, int min, int max) =>
        score is null ? $"{field} is required ({min}-{max})" : Validate.Range(field, score.Value, min, max);

    /// <summary>A JSON body and the Idempotency-Key every mutation needs.</summary>
    internal static async Task<(T? Body, string? Key, IResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (Idempotency.KeyOf(request) is not { } key)
        {
            return (null, null, Idempotency.MissingKey());
        }

        var (body, _, error) = await Body.ReadAsync<T>(request);
        return (body, key, error);
    }

    internal static TeamMetricsView ToView(TeamMetrics m) =>
        new(m.TeamId, m.From, m.To, m.Agents, Kpis(m.Kpis), [.. m.Series.Select(d => new DayView(d.Day, Kpis(d.Kpis)))]);

    internal static IReadOnlyDictionary<string, KpiView> Kpis(IReadOnlyDictionary<string, KpiValue> values) =>
        Domain.Metrics.Kpis.All.ToDictionary(
            k => k.Name,
            k => new KpiView(Round(values[k.Name].Value), values[k.Name].Numerator, values[k.Name].Denominator, k.Unit, k.Attribution),
            StringComparer.Ordinal);

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;

    internal static IResult Csv(string fileName, string text) => new CsvResult(fileName, text);

    /// <summary>A stored CSV export, by the name its Content-Location gave.</summary>
    public static void MapExportEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/exports/{**name}", async (string name, Application.Blobs.IBlobStore blobs, CancellationToken ct) =>
            {
                if (!Application.Blobs.BlobNames.IsValidName(name))
                {
                    return HttpResults.BadRequest("name must be the path an export's Content-Location gave");
                }

                return await blobs.GetAsync(Application.Blobs.BlobNames.Exports, name, ct) is { } blob
                    ? Results.File(blob.Data.ToArray(), blob.ContentType, name[(name.LastIndexOf('/') + 1)..])
                    : HttpResults.NotFound($"export {name} does not exist");
            })
            .WithTags("Metrics")
            .WithSummary("A CSV export as it was stored when it was downloaded (Content-Location of every ?format=csv answer)")
            .AllowRoles(Roles.Coach, Roles.Admin);

    private static string TeamCsv(TeamMetricsView view)
    {
        var csv = new StringBuilder("teamId,day,kpi,unit,value,numerator,denominator\n");
        void Rows(string day, IReadOnlyDictionary<string, KpiView> kpis)
        {
            foreach (var (name, k) in kpis)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{view.TeamId},{day},{name},{k.Unit},{k.Value},{k.Numerator},{k.Denominator}\n");
            }
        }

        Rows("total", view.Kpis);
        foreach (var d in view.Series)
        {
            Rows(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Kpis);
        }

        return csv.ToString();
    }

    private static string TeamsCsv(TeamsView view)
    {
        var csv = new StringBuilder("teamId,from,to,kpi,unit,value,numerator,denominator\n");
        foreach (var t in view.Teams)
        {
            foreach (var (name, k) in t.Kpis)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{t.TeamId},{view.From:yyyy-MM-dd},{view.To:yyyy-MM-dd},{name},{k.Unit},{k.Value},{k.Numerator},{k.Denominator}\n");
            }
        }

        return csv.ToString();
    }

    private static string DrillCsv(DrillDown drill)
    {
        var csv = new StringBuilder("teamId,kpi,caseId,day,inNumerator,inDenominator,value\n");
        foreach (var c in drill.Cases)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{drill.TeamId},{drill.Kpi},{c.CaseId},{c.Day:yyyy-MM-dd},{(c.InNumerator ? "true" : "false")},{(c.InDenominator ? "true" : "false")},{c.Value}\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// A CSV export: kept as a blob in the exports container (the record of what left the
    /// system, and a link to share), then sent; Content-Location names the stored copy.
    /// </summary>
    private sealed class CsvResult(string fileName, string text) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var blobs = httpContext.RequestServices.GetRequiredService<Application.Blobs.IBlobStore>();
            var time = httpContext.RequestServices.GetRequiredService<TimeProvider>();
            var name = $"{time.GetUtcNow():yyyy/MM/dd}/{Guid.NewGuid():N}-{fileName}";
            await blobs.PutAsync(Application.Blobs.BlobNames.Exports, name, Encoding.UTF8.GetBytes(text), "text/csv; charset=utf-8", httpContext.RequestAborted);
            httpContext.Response.Headers.ContentLocation = $"/api/exports/{name}";
            httpContext.Response.StatusCode = 200;
            httpContext.Response.ContentType = "text/csv; charset=utf-8";
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await httpContext.Response.WriteAsync(text, httpContext.RequestAborted);
        }
    }
}
