using System.Text.Json;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.Pipeline;

/// <summary>
/// A case event as it travels on the <c>case-events</c> topic. Service Bus outputs of a custom
/// handler carry a body only, so the event's identity travels inside it and every consumer
/// dedupes on <see cref="EventId"/>.
/// </summary>
public sealed record EventMessage(string EventId, string Type, string Partition, string? CorrelationId, DateTimeOffset CommittedAt, JsonElement Body)
{
    public static EventMessage From(ChangeRecord change) => new(
        change.Event.EventId, change.Event.Type, change.Partition, change.Event.CorrelationId, change.CommittedAt,
        JsonDocument.Parse(change.Event.Json).RootElement.Clone());

    public ChangeRecord ToChange() => new(Partition, new OutboxEvent(EventId, Type, Body.GetRawText(), CorrelationId), CommittedAt);
}

/// <summary>
/// The shape of an outbox event item in the state container's change feed (what the Cosmos DB
/// trigger hands to <c>CaseEventsPublisher</c>): <c>id</c>, <c>pk</c>, <c>kind</c> = "event",
/// <c>eventId</c>, <c>type</c>, <c>correlationId</c>, <c>committedAt</c> (epoch ms) and <c>body</c>.
/// The local runner builds the same items from the embedded store's change log.
/// </summary>
public static class ChangeFeedItems
{
    public const string EventKind = "event";

    public static JsonObject ToItem(ChangeRecord change) => new()
    {
        ["id"] = "event:" + change.Event.EventId,
        ["pk"] = change.Partition,
        ["kind"] = EventKind,
        ["eventId"] = change.Event.EventId,
        ["type"] = change.Event.Type,
        ["correlationId"] = change.Event.CorrelationId,
        ["committedAt"] = change.CommittedAt.ToUnixTimeMilliseconds(),
        ["body"] = JsonNode.Parse(change.Event.Json),
    };

    /// <summary>The outbox events among changed items (other kinds of documents are ignored).</summary>
    public static IEnumerable<ChangeRecord> Events(JsonElement items)
    {
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("kind", out var kind) || !kind.ValueEquals(EventKind))
            {
                continue;
            }

            var correlation = item.TryGetProperty("correlationId", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            yield return new ChangeRecord(
                item.GetProperty("pk").GetString()!,
                new OutboxEvent(item.GetProperty("eventId").GetString()!, item.GetProperty("type").GetString()!, item.GetProperty("body").GetRawText(), correlation),
                DateTimeOffset.FromUnixTimeMilliseconds(item.GetProperty("committedAt").GetInt64()));
        }
    }
}

/// <summary>
/// The change log carries every kind of event (cases, schedules, approvals, ...); subscribers
/// that react to case events read only those and let the others pass.
/// </summary>
public static class CaseEventJson
{
    private static readonly HashSet<string> Types = [.. typeof(Domain.Cases.CaseEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Domain.Cases.CaseEvent)) && !t.IsAbstract)
        .Select(t => t.Name)];

    public static bool IsCaseEvent(OutboxEvent e) => Types.Contains(e.Type);

    public static Domain.Cases.CaseEvent? TryRead(OutboxEvent e) => IsCaseEvent(e) ? Json.Read<Domain.Cases.CaseEvent>(e.Json) : null;
}
