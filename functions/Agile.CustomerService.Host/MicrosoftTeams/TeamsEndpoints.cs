using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.MicrosoftTeams;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.MicrosoftTeams;

/// <summary>
/// The Microsoft Teams surface: the bot's messaging endpoint (Bot Framework activities with a
/// Bot Framework JWT), and the outgoing webhook (HMAC of the raw body). Both chat entrances run the same parser and dispatcher.
/// </summary>
internal static class TeamsEndpoints
{
    public const string WebhookReplayKind = "teams-webhook-seen";

    public static void MapTeamsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Microsoft Teams");
        // Neither takes a user's bearer token: each checks its caller's own proof in the handler.
        api.MapPost("/messages", MessagesAsync)
            .WithSummary("Bot Framework messaging endpoint (caller: the Bot Framework, with its JWT)")
            .AllowAnonymousBecause("the Bot Framework's own JWT is checked in the handler");
        api.MapPost("/teams-webhook", WebhookAsync)
            .WithSummary("Teams outgoing webhook (caller: Microsoft Teams, HMAC-SHA256 signed with the team's security token)")
            .AllowAnonymousBecause("the team's HMAC signature is checked in the handler");
    }

    private static IResult Unauthorized(string detail) =>
        Results.Problem(title: "Unauthorized", detail: detail, statusCode: StatusCodes.Status401Unauthorized);

    // ------------------------------------------------------------------ bot

    private static async Task<IResult> MessagesAsync(HttpRequest request, BotAuthentication auth, TeamsDirectory directory, TeamsOptions options, ChatDispatcher dispatcher, TeamsMessenger messenger, TimeProvider time, CancellationToken ct)
    {
        var (identity, refused) = await auth.ValidateAsync(request.Headers.Authorization.FirstOrDefault(), ct);
        if (identity is null)
        {
            return Unauthorized(refused!);
        }

        var (raw, tooLarge) = await ReadRawAsync(request, Activity.MaxBytes);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (activity, malformed) = Activity.Read(raw);
        if (activity is null || (malformed ??= activity.Problem()) is not null)
        {
            return HttpResults.BadRequest(malformed!);
        }

        // A token is issued for one service URL: a stolen or replayed token cannot point us at another.
        var claimed = identity.FindFirst("serviceurl")?.Value ?? identity.FindFirst("serviceUrl")?.Value;
        if (claimed is null || !string.Equals(claimed.TrimEnd('/'), activity.ServiceUrl!.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("the token's serviceUrl claim does not match the activity's serviceUrl");
        }

        await RememberConversationAsync(activity, directory, options, time, ct);
        switch (activity.Type)
        {
            case "message":
            {
                var reply = await RunAsync(activity, directory, dispatcher, ct);
                try
                {
                    await messenger.ReplyAsync(activity.ServiceUrl!, activity.Conversation!.Id!, activity.Id, AdaptiveCards.Message(AdaptiveCards.Card(reply), activity.Id), ct);
                }
                catch (HttpRequestException ex)
                {
                    // The command ran; only the answer could not be delivered. The Bot Framework may redeliver.
                    return Results.Problem(title: "Bad gateway", detail: $"the reply could not be sent to the Bot Connector: {ex.Message}", statusCode: StatusCodes.Status502BadGateway);
                }

                return Results.Ok();
            }

            case "invoke" when activity.Name == "adaptiveCard/action":
            {
                var reply = await InvokeAsync(activity, directory, dispatcher, ct);
                return Results.Json(AdaptiveCards.InvokeResponse(AdaptiveCards.Card(reply)), statusCode: 200);
            }

            case "invoke":
                return Results.Json(new JsonObject { ["statusCode"] = 501, ["type"] = "application/vnd.microsoft.error", ["value"] = new JsonObject { ["code"] = "NotImplemented", ["message"] = $"invoke {activity.Name} is not handled" } });

            default:
                // conversationUpdate (remembered above), typing, messageReaction, ...: acknowledged.
                return Results.Ok();
        }
    }

    private static async Task<ChatReply> RunAsync(Activity activity, TeamsDirectory directory, ChatDispatcher dispatcher, CancellationToken ct)
    {
        var agentId = await directory.AgentOfUserAsync(activity.TenantId, activity.From?.AadObjectId, ct);
        return agentId is null
            ? NotLinked()
            : await dispatcher.RunAsync(agentId, ChatCommandParser.Parse(activity.Text), ct);
    }

    private static ChatReply NotLinked() => ChatReply.Refused(
        "Who are you?",
        "Your Microsoft Teams account is not linked to an agent yet: ask an admin to link it (PUT /api/agents/{agentId}/identity).");

    private static async Task<ChatReply> InvokeAsync(Activity activity, TeamsDirectory directory, ChatDispatcher dispatcher, CancellationToken ct)
    {
        var agentId = await directory.AgentOfUserAsync(activity.TenantId, activity.From?.AadObjectId, ct);
        if (agentId is null)
        {
            return NotLinked();
        }

        // value: {"action":{"type":"Action.Execute","verb":"take","data":{"target":"<case id>"}},"trigger":"manual"}
        string? verb = null, target = null;
        if (activity.Value is { ValueKind: JsonValueKind.Object } value
            && value.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.Object)
        {
            verb = action.TryGetProperty("verb", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            target = action.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }

        return (verb, target) switch
        {
            (ChatDispatcher.TakeVerb, { Length: > 0 and <= 200 } caseId) => await dispatcher.TakeAsync(agentId, caseId, ct),
            (ChatDispatcher.AcceptSwapVerb or ChatDispatcher.DeclineSwapVerb, { Length: > 0 and <= 200 } swapId) => await dispatcher.AnswerSwapAsync(agentId, swapId, verb == ChatDispatcher.AcceptSwapVerb, ct),
            (ChatDispatcher.ApproveVerb or ChatDispatcher.DeclineVerb, { Length: > 0 and <= 200 } requestId) => await dispatcher.DecideRequestAsync(agentId, requestId, verb == ChatDispatcher.ApproveVerb, ct),
            _ => ChatReply.Refused("Not understood", "this card action is not known"),
        };
    }

    /// <summary>
    /// Every authenticated activity refreshes the conversation reference (install events
    /// and messages alike): a team channel for a mapped team, a personal chat for a user.
    /// </summary>
    private static async Task RememberConversationAsync(Activity activity, TeamsDirectory directory, TeamsOptions options, TimeProvider time, CancellationToken ct)
    {
        if (activity.TenantId is not { Length: > 0 } tenant)
        {
            return;
        }

        var now = time.GetUtcNow();
        switch (activity.Conversation!.ConversationType)
        {
            case "channel" when options.TeamOf(activity.TeamsTeamId) is { } teamId:
                // Proactive channel messages go to the team's General channel (the team id is its thread id).
                await directory.RememberTeamConversationAsync(teamId, new ConversationReference(activity.ServiceUrl!, tenant, activity.TeamsTeamId!, ConversationReference.Channel, activity.TeamsTeamId, null, now), ct);
                break;
            case "personal" when activity.From?.AadObjectId is { Length: > 0 and <= 64 } user && activity.Type is "conversationUpdate" or "message" or "invoke":
                await directory.RememberUserConversationAsync(new ConversationReference(activity.ServiceUrl!, tenant, activity.Conversation.Id!, ConversationReference.Personal, null, user, now), ct);
                break;
        }
    }

    // ------------------------------------------------------------- webhook

    /// <summary>
    /// Outgoing webhook: the HMAC is checked against every configured team's key before the body
    /// is parsed (constant-time comparison); the key that matches names the team, and the body's
    /// teamsTeamId must agree with it. Replays: see docs/teams.md (timestamp window + seen ids).
    /// </summary>
    private static async Task<IResult> WebhookAsync(HttpRequest request, TeamsOptions options, TeamsDirectory directory, ChatDispatcher dispatcher, IStateStore store, TimeProvider time, CancellationToken ct)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("HMAC ", StringComparison.Ordinal))
        {
            return Unauthorized("an 'Authorization: HMAC <base64>' header is required");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(header[5..].Trim());
        }
        catch (FormatException)
        {
            return Unauthorized("the HMAC is not base64");
        }

        var (raw, tooLarge) = await ReadRawAsync(request, Http.Body.MaxBytes);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        TeamsTeam? team = null;
        foreach (var candidate in options.Teams.Where(t => t.WebhookKey is not null))
        {
            var expected = HMACSHA256.HashData(candidate.WebhookKey!, raw);
            if (CryptographicOperations.FixedTimeEquals(expected, signature))
            {
                team = candidate;
            }
        }

        if (team is null)
        {
            return Unauthorized("the HMAC does not match any configured team's security token");
        }

        var (activity, malformed) = Activity.Read(raw);
        if (activity is null)
        {
            return HttpResults.BadRequest(malformed!);
        }

        if (activity.TeamsTeamId is { } teamsTeamId && team.TeamsTeamId is not null && !string.Equals(teamsTeamId, team.TeamsTeamId, StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("the message comes from another team than the one whose token signed it");
        }

        if (await ReplayProblemAsync(activity, team.TeamId, options, store, time, ct) is { } replay)
        {
            return replay;
        }

        var agentId = await directory.AgentOfUserAsync(activity.TenantId, activity.From?.AadObjectId, ct);
        ChatReply reply;
        try
        {
            // Teams waits 5 s for the answer; a command that takes longer is answered as pending.
            reply = agentId is null
                ? NotLinked()
                : await dispatcher.RunAsync(agentId, ChatCommandParser.Parse(activity.Text), ct).WaitAsync(TimeSpan.FromSeconds(4), time, ct);
        }
        catch (TimeoutException)
        {
            reply = ChatReply.Text("Still working", "This takes longer than Teams waits for; check with 'my cases' in a moment.");
        }

        return Results.Json(AdaptiveCards.Message(AdaptiveCards.Card(reply, options.PublicBaseUrl, execute: false)));
    }

    /// <summary>
    /// Outgoing webhooks carry no nonce, but the signed body carries the activity's id and
    /// timestamp: a body older or newer than the window is refused, and an id seen within the
    /// window is refused, so a captured request cannot be replayed.
    /// </summary>
    private static async Task<IResult?> ReplayProblemAsync(Activity activity, string teamId, TeamsOptions options, IStateStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (activity.Timestamp is not { } at || (now - at).Duration() > options.WebhookWindow)
        {
            return Unauthorized($"the message's timestamp is missing or more than {options.WebhookWindow.TotalMinutes} minutes from now");
        }

        if (activity.Id is not { Length: > 0 and <= 200 } id)
        {
            return HttpResults.BadRequest("the message has no id");
        }

        var seen = StateStoreExtensions.Put($"teams-webhook:{id}", WebhookReplayKind, new { id, at }, ifMatch: null, timeToLive: options.WebhookWindow * 2);
        return await store.CommitAsync(Partitions.Team(teamId), ct, seen) is Committed
            ? null
            : Results.Problem(title: "Conflict", detail: $"message {id} was already handled (replay)", statusCode: StatusCodes.Status409Conflict);
    }

    // --------------------------------------------------------------- admin

    private static async Task<(byte[] Raw, IResult? TooLarge)> ReadRawAsync(HttpRequest request, int max)
    {
        if (request.ContentLength > max)
        {
            return ([], Results.Problem(title: "Payload too large", detail: $"the body must be at most {max} bytes", statusCode: 413));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return ([], Results.Problem(title: "Payload too large", detail: $"the body must be at most {max} bytes", statusCode: 413));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }
}
