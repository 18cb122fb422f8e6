using Agile.CustomerService.Host.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Host.Cases;

namespace Agile.CustomerService.Host.Functions;

/// <summary>A contact posted asynchronously by a channel (telephony, chat, e-mail) to the <c>contacts</c> queue.</summary>
internal sealed record ContactMessage(string? ContactId, string? CustomerId, Domain.Cases.Channel? Channel, string? Topic, Domain.Cases.CaseTier? Tier, string? RequiredSkill, string? SelfServiceAnswer)
{
    public IntakeBody ToBody() => new(CustomerId, Channel, Topic, Tier, RequiredSkill, SelfServiceAnswer);
}

/// <summary>
/// The non-HTTP functions of functions/*/function.json, served at <c>POST /{FunctionName}</c>.
/// Each is idempotent under redelivery: intake by the contact id (its idempotency record),
/// the publisher by construction (same documents, same event ids), subscribers by event id.
/// </summary>
internal static class FunctionEndpoints
{
    public static readonly IReadOnlyDictionary<string, string> Served = new Dictionary<string, string>
    {
        ["ContactIntake"] = "serviceBusTrigger",
        ["CaseEventsPublisher"] = "cosmosDBTrigger",
        ["DueTimers"] = "timerTrigger",
        ["DispatchReactor"] = "serviceBusTrigger",
        ["BoardProjection"] = "serviceBusTrigger",
        ["DailyRollup"] = "serviceBusTrigger",
        ["TeamsNotifications"] = "serviceBusTrigger",
        ["TeamReminders"] = "timerTrigger",
    };

    public static void MapFunctionEndpoints(this IEndpointRouteBuilder app)
    {
        // Invoked by the Functions host over loopback with its trigger payloads; the external
        // HTTP surface (the HttpApi function) forwards only /api/*, so these are never public.
        var functions = app.MapGroup("/").ExcludeFromDescription()
            .AllowAnonymousBecause("function invocations from the Functions host on loopback");
        functions.MapPost("/ContactIntake", ContactIntakeAsync);

        // Everything but intake catches up behind the requests people wait for (ADR 0007).
        var background = functions.MapGroup("/").AddEndpointFilter(static (context, next) =>
        {
            StoreWork.MarkBackground();
            return next(context);
        });
        background.MapPost("/CaseEventsPublisher", CaseEventsPublisherAsync);
        background.MapPost("/DueTimers", DueTimersAsync);
        background.MapPost("/TeamReminders", TeamRemindersAsync);
        background.MapPost("/DispatchReactor", (HttpRequest r, DispatchReactor s, ILoggerFactory l, CancellationToken ct) => SubscriberAsync(r, s, l, ct));
        background.MapPost("/BoardProjection", (HttpRequest r, BoardProjection s, ILoggerFactory l, CancellationToken ct) => SubscriberAsync(r, s, l, ct));
        background.MapPost("/DailyRollup", (HttpRequest r, DailyRollupProjection s, ILoggerFactory l, CancellationToken ct) => SubscriberAsync(r, s, l, ct));
        background.MapPost("/TeamsNotifications", (HttpRequest r, Application.MicrosoftTeams.TeamsNotifier s, ILoggerFactory l, CancellationToken ct) => SubscriberAsync(r, s, l, ct));
    }

    private static async Task<IResult> ContactIntakeAsync(HttpRequest request, CaseService cases, IStateStore store, TimeProvider time, CancellationToken ct)
    {
        var invocation = await ReadAsync(request);
        var result = new InvocationResult();
        var messageId = invocation.Metadata("MessageId") ?? invocation.Metadata("InvocationId") ?? Guid.NewGuid().ToString("N");
        var data = invocation.Data("contact");
        ContactMessage? contact;
        try
        {
            contact = data.Deserialize<ContactMessage>(Json.Options);
        }
        catch (JsonException ex)
        {
            return await PoisonAsync(store, time, "ContactIntake", messageId, data.GetRawText(), $"malformed contact: {ex.Message}", result, ct);
        }

        var problem = contact is null ? "the contact is empty" : CaseEndpoints.IntakeProblem(contact.ToBody());
        if (problem is not null)
        {
            return await PoisonAsync(store, time, "ContactIntake", messageId, data.GetRawText(), problem, result, ct);
        }

        var key = contact!.ContactId is { Length: > 0 and <= 128 } id ? id : messageId;
        var correlation = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? messageId;
        var outcome = await cases.IntakeAsync(CaseEndpoints.ToRequest(contact.ToBody(), correlation), key, ct);
        switch (outcome)
        {
            case Success success:
                result.Logs.Add($"contact {key} opened {JsonNode.Parse(success.BodyJson)?["case"]?["id"]}");
                return result.ToHttp();
            case Problem p when p.Status < 500:
                return await PoisonAsync(store, time, "ContactIntake", messageId, data.GetRawText(), p.Detail, result, ct);
            default:
                return Results.Problem(statusCode: 503, detail: "intake could not complete; the message will be redelivered");
        }
    }

    private static async Task<IResult> CaseEventsPublisherAsync(HttpRequest request)
    {
        var invocation = await ReadAsync(request);
        var documents = invocation.Data("documents");
        var result = new InvocationResult();
        var events = new JsonArray();
        // Every event goes out (case, schedule, approval events); each subscriber takes the types it knows.
        foreach (var change in ChangeFeedItems.Events(documents))
        {
            events.Add(JsonSerializer.SerializeToNode(EventMessage.From(change), Json.Options));
        }

        if (events.Count > 0)
        {
            result.Outputs["events"] = events;
        }

        result.Logs.Add($"published {events.Count} case events");
        return result.ToHttp();
    }

    private static async Task<IResult> DueTimersAsync(HttpRequest request, CaseService cases, CancellationToken ct)
    {
        await ReadAsync(request);
        var result = new InvocationResult();
        var handled = await cases.SweepTimersAsync(ct);
        result.Logs.Add($"{handled} timers handled");
        return result.ToHttp();
    }

    private static async Task<IResult> TeamRemindersAsync(HttpRequest request, Application.MicrosoftTeams.TeamReminders reminders, CancellationToken ct)
    {
        await ReadAsync(request);
        var result = new InvocationResult();
        result.Logs.Add($"{await reminders.RunAsync(ct)} reminders sent");
        return result.ToHttp();
    }

    /// <summary>
    /// A subscriber's messages, one or a batch, applied in their order. A failure fails the whole
    /// invocation, so the batch is delivered again; the subscribers skip events already applied.
    /// </summary>
    private static async Task<IResult> SubscriberAsync(HttpRequest request, IChangeSubscriber subscriber, ILoggerFactory loggers, CancellationToken ct)
    {
        var invocation = await ReadAsync(request);
        var result = new InvocationResult();
        var logger = loggers.CreateLogger("Functions");
        var messages = invocation.Items("message")
            .Select(item => item.Deserialize<EventMessage>(Json.Options) ?? throw new InvocationException("empty event message"))
            .ToList();
        var batch = new ChangeBatch([.. messages.Select(m => m.ToChange())]);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            using var activity = Telemetry.StartConsumer($"{subscriber.Name} {message.Type}", message.CorrelationId);
            activity?.SetTag("acs.event", message.EventId);
            await subscriber.HandleAsync(batch, i, ct);
            Telemetry.EventsApplied.Add(1, new KeyValuePair<string, object?>("consumer", subscriber.Name));
            result.Logs.Add($"{subscriber.Name} applied {message.EventId}");
            logger.LogDebug("{Subscriber} applied {EventId} ({CorrelationId})", subscriber.Name, message.EventId, message.CorrelationId);
        }

        return result.ToHttp();
    }

    /// <summary>
    /// A message that can never succeed (bad input, unknown customer) is completed and kept in
    /// the dead-letter store with its reason, instead of being retried until the broker gives up.
    /// </summary>
    private static async Task<IResult> PoisonAsync(IStateStore store, TimeProvider time, string function, string messageId, string body, string reason, InvocationResult result, CancellationToken ct)
    {
        var letter = new DeadLetter(function, messageId, body, 1, reason, time.GetUtcNow());
        await store.CommitAsync(Partitions.DeadLetters, ct, StateStoreExtensions.Put($"{function}:{messageId}", Kinds.DeadLetter, letter, PutDocument.Any));
        result.Logs.Add($"dead-lettered {messageId}: {reason}");
        return result.ToHttp();
    }

    private static async Task<Invocation> ReadAsync(HttpRequest request)
    {
        try
        {
            // Parsed from the stream: a batch read into one string first is a large-object allocation.
            return await Invocation.ParseAsync(request.Body, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new InvocationException($"malformed invocation payload: {ex.Message}");
        }
    }
}
