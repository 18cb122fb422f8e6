using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agile.CustomerService.Integrations.Graph.Tests;

/// <summary>A request the fake received, as it arrived.</summary>
internal sealed record Received(string Method, string Path, string Query, string? Authorization, string? ActsAs, JsonNode? Body, DateTimeOffset At);

/// <summary>
/// A local HTTP fake of the Microsoft Graph v1.0 Shifts API on loopback (a real Kestrel server). It checks what
/// the real service checks and a test cares about: the bearer token, <c>MS-APP-ACTS-AS</c>, the path and the
/// body's required fields; answers with Graph's JSON shapes and errors (<c>{"error":{"code","message"}}</c>).
/// </summary>
internal sealed partial class FakeGraph : IAsyncDisposable
{
    public const string Token = "test-token";
    public const string TeamId = "8b081ef6-4792-4def-b2c9-c363a1bf41d5";
    public const string ActAs = "a3601044-a1b5-438e-b742-f78d01d68a67";
    public const string GroupId = "TAG_228940ed-ff84-4e25-b129-1b395cf78be0";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string PathPattern, int RetryAfterSeconds)> _throttles = new();

    private FakeGraph(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public ConcurrentDictionary<string, JsonObject> Shifts { get; } = new();

    public ConcurrentDictionary<string, JsonObject> OpenShifts { get; } = new();

    /// <summary>Pending requests served by the list endpoints (keyed by Graph id); approve and decline change their state.</summary>
    public ConcurrentDictionary<string, JsonObject> TimeOffRequests { get; } = new();

    public ConcurrentDictionary<string, JsonObject> SwapRequests { get; } = new();

    /// <summary>Page size of list responses; more items come through @odata.nextLink.</summary>
    public int PageSize { get; set; } = 50;

    public Uri BaseUrl => new(_app.Urls.First() + "/v1.0");

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGraph(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>The next request whose path matches answers 429 with Retry-After.</summary>
    public void ThrottleNext(string pathPattern, int retryAfterSeconds) => _throttles.Enqueue((pathPattern, retryAfterSeconds));

    public IReadOnlyList<Received> To(string method, string pathPattern) =>
        [.. Requests.Where(r => r.Method == method && Regex.IsMatch(r.Path, pathPattern))];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        JsonNode? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync();
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }

        var path = request.Path.Value ?? string.Empty;
        Requests.Enqueue(new Received(request.Method, path, request.QueryString.Value ?? string.Empty, request.Headers.Authorization, request.Headers["MS-APP-ACTS-AS"], body, DateTimeOffset.UtcNow));

        if (_throttles.TryPeek(out var throttle) && Regex.IsMatch(path, throttle.PathPattern) && _throttles.TryDequeue(out _))
        {
            context.Response.Headers.RetryAfter = throttle.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ErrorAsync(context, 429, "TooManyRequests", "Too many requests for this team.");
            return;
        }

        if (request.Headers.Authorization != $"Bearer {Token}")
        {
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
            return;
        }

        if (request.Headers["MS-APP-ACTS-AS"] != ActAs)
        {
            await ErrorAsync(context, 403, "Forbidden", "MS-APP-ACTS-AS header is required for app-only calls to the Shifts API.");
            return;
        }

        var match = Route().Match(path);
        if (!match.Success || match.Groups["team"].Value != TeamId)
        {
            await ErrorAsync(context, 404, "NotFound", $"No route for {path}.");
            return;
        }

        var collection = match.Groups["collection"].Value;
        var id = match.Groups["id"].Success ? match.Groups["id"].Value : null;
        var action = match.Groups["action"].Success ? match.Groups["action"].Value : null;
        var handled = (request.Method, collection, id, action) switch
        {
            ("POST", "shifts", null, null) => CreateAsync(context, Shifts, "SHFT_", body, ShiftProblem(body, "sharedShift")),
            ("PUT", "shifts", { } shiftId, null) => ReplaceAsync(context, Shifts, shiftId, body, ShiftProblem(body, "sharedShift")),
            ("DELETE", "shifts", { } shiftId, null) => DeleteAsync(context, Shifts, shiftId),
            ("POST", "openShifts", null, null) => CreateAsync(context, OpenShifts, "OPNSHFT_", body, OpenShiftProblem(body)),
            ("DELETE", "openShifts", { } openId, null) => DeleteAsync(context, OpenShifts, openId),
            ("POST", "share", null, null) => ShareAsync(context, body),
            ("GET", "timeOffRequests", null, null) => ListAsync(context, TimeOffRequests, "timeOffRequests"),
            ("GET", "swapShiftsChangeRequests", null, null) => ListAsync(context, SwapRequests, "swapShiftsChangeRequests"),
            ("POST", "timeOffRequests", { } requestId, "approve" or "decline") => AnswerAsync(context, TimeOffRequests, requestId, action!, body),
            ("POST", "swapShiftsChangeRequests", { } requestId, "approve" or "decline") => AnswerAsync(context, SwapRequests, requestId, action!, body),
            _ => ErrorAsync(context, 405, "MethodNotAllowed", $"{request.Method} {path} is not supported."),
        };
        await handled;
    }

    private static string? ShiftProblem(JsonNode? body, string item) =>
        body?["userId"]?.GetValue<string>() is not { Length: > 0 } ? "userId is required"
        : body["schedulingGroupId"]?.GetValue<string>() != GroupId ? "schedulingGroupId is unknown"
        : ItemProblem(body[item]);

    private static string? OpenShiftProblem(JsonNode? body) =>
        body?["schedulingGroupId"]?.GetValue<string>() != GroupId ? "schedulingGroupId is required for open shifts"
        : body["sharedOpenShift"]?["openSlotCount"]?.GetValue<int>() is not > 0 ? "openSlotCount must be positive"
        : ItemProblem(body["sharedOpenShift"]);

    private static string? ItemProblem(JsonNode? item)
    {
        if (item?["startDateTime"]?.GetValue<string>() is not { } start || item["endDateTime"]?.GetValue<string>() is not { } end)
        {
            return "startDateTime and endDateTime are required";
        }

        var length = DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture);
        return length < TimeSpan.FromMinutes(1) || length > TimeSpan.FromHours(24) ? "a shift lasts 1 minute to 24 hours" : null;
    }

    private static async Task CreateAsync(HttpContext context, ConcurrentDictionary<string, JsonObject> store, string prefix, JsonNode? body, string? problem)
    {
        if (problem is not null)
        {
            await ErrorAsync(context, 400, "BadRequest", problem);
            return;
        }

        var entity = body!.AsObject().DeepClone().AsObject();
        var id = $"{prefix}{Guid.NewGuid()}";
        entity["id"] = id;
        entity["createdDateTime"] = DateTimeOffset.UtcNow.ToString("O");
        entity["lastModifiedDateTime"] = DateTimeOffset.UtcNow.ToString("O");
        entity["isStagedForDeletion"] = false;
        store[id] = entity;
        await JsonAsync(context, 201, entity);
    }

    private static async Task ReplaceAsync(HttpContext context, ConcurrentDictionary<string, JsonObject> store, string id, JsonNode? body, string? problem)
    {
        if (!store.ContainsKey(id))
        {
            await ErrorAsync(context, 404, "NotFound", $"shift {id} not found");
            return;
        }

        if (problem is not null)
        {
            await ErrorAsync(context, 400, "BadRequest", problem);
            return;
        }

        var entity = body!.AsObject().DeepClone().AsObject();
        entity["id"] = id;
        store[id] = entity;
        await JsonAsync(context, 200, entity);
    }

    private static async Task DeleteAsync(HttpContext context, ConcurrentDictionary<string, JsonObject> store, string id)
    {
        if (!store.TryRemove(id, out _))
        {
            await ErrorAsync(context, 404, "NotFound", $"{id} not found");
            return;
        }

        context.Response.StatusCode = 204;
    }

    private static async Task ShareAsync(HttpContext context, JsonNode? body)
    {
        if (body?["notifyTeam"] is null || body["startDateTime"] is null || body["endDateTime"] is null)
        {
            await ErrorAsync(context, 400, "BadRequest", "notifyTeam, startDateTime and endDateTime are required");
            return;
        }

        context.Response.StatusCode = 204;
    }

    private async Task ListAsync(HttpContext context, ConcurrentDictionary<string, JsonObject> store, string collection)
    {
        var filter = context.Request.Query["$filter"].ToString();
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var s) ? s : 0;
        var items = store.Values
            .Where(v => filter != "state eq 'pending'" || v["state"]?.GetValue<string>() == "pending")
            .OrderBy(v => v["id"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToArray();
        var page = new JsonArray([.. items.Skip(skip).Take(PageSize).Select(i => (JsonNode)i.DeepClone())]);
        var result = new JsonObject
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#teams('{TeamId}')/schedule/{collection}",
            ["value"] = page,
        };
        if (skip + PageSize < items.Length)
        {
            result["@odata.nextLink"] = $"{BaseUrl}/teams/{TeamId}/schedule/{collection}?$filter={Uri.EscapeDataString(filter)}&$skiptoken={skip + PageSize}";
        }

        await JsonAsync(context, 200, result);
    }

    private static async Task AnswerAsync(HttpContext context, ConcurrentDictionary<string, JsonObject> store, string id, string action, JsonNode? body)
    {
        if (!store.TryGetValue(id, out var request))
        {
            await ErrorAsync(context, 404, "NotFound", $"request {id} not found");
            return;
        }

        if (body?["message"]?.GetValue<string>() is null)
        {
            await ErrorAsync(context, 400, "BadRequest", "message is required");
            return;
        }

        request["state"] = action == "approve" ? "approved" : "declined";
        request["managerActionMessage"] = body["message"]!.GetValue<string>();
        request["managerUserId"] = ActAs;
        context.Response.StatusCode = 200;
    }

    private static async Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; odata.metadata=minimal";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        JsonAsync(context, status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject { ["request-id"] = Guid.NewGuid().ToString(), ["date"] = DateTimeOffset.UtcNow.ToString("O") },
            },
        });

    [GeneratedRegex("^/v1.0/teams/(?<team>[^/]+)/schedule/(?<collection>shifts|openShifts|share|timeOffRequests|swapShiftsChangeRequests)(/(?<id>[^/]+))?(/(?<action>approve|decline))?$")]
    private static partial Regex Route();

    public static JsonObject TimeOffRequest(string id, string userId, DateTimeOffset start, DateTimeOffset end, string message) => new()
    {
        ["id"] = id,
        ["createdDateTime"] = "2026-11-20T08:00:00Z",
        ["assignedTo"] = "manager",
        ["state"] = "pending",
        ["senderDateTime"] = "2026-11-20T08:00:00Z",
        ["senderMessage"] = message,
        ["senderUserId"] = userId,
        ["startDateTime"] = start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["endDateTime"] = end.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["timeOffReasonId"] = "TOR_891045ca-b5d2-41b7-bcfa-4b2a7b5b8a2a",
    };

    public static JsonObject SwapRequest(string id, string senderUserId, string senderShiftId, string recipientUserId, string recipientShiftId, string assignedTo) => new()
    {
        ["id"] = id,
        ["createdDateTime"] = "2026-11-20T08:00:00Z",
        ["assignedTo"] = assignedTo,
        ["state"] = "pending",
        ["senderDateTime"] = "2026-11-20T08:00:00Z",
        ["senderMessage"] = "Can you take my shift?",
        ["senderUserId"] = senderUserId,
        ["senderShiftId"] = senderShiftId,
        ["recipientUserId"] = recipientUserId,
        ["recipientShiftId"] = recipientShiftId,
    };
}

/// <summary>A credential that hands out the fake's token (tests never reach Entra ID).</summary>
internal sealed class TestCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(FakeGraph.Token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
