using System.Buffers;
using System.Text.Json;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Storage.Cosmos;

/// <summary>
/// The item shape of the state container (docs/data-model.md): <c>id</c>, <c>pk</c>, <c>kind</c>,
/// <c>dueAt</c> and <c>expiresAt</c> as Unix epoch milliseconds (numbers: range-indexable and
/// sortable), <c>ttl</c> in seconds when the document expires, and the caller's JSON document
/// nested as <c>body</c>. Outbox events are items of kind <see cref="EventKind"/>.
/// </summary>
internal static class CosmosItems
{
    public const string EventKind = "event";

    public const string EventIdPrefix = "event:";

    public static MemoryStream Document(string partition, PutDocument put, DateTimeOffset now)
    {
        return Write(writer =>
        {
            writer.WriteString("id", put.Id);
            writer.WriteString("pk", partition);
            writer.WriteString("kind", put.Kind);
            if (put.DueAt is { } due)
            {
                writer.WriteNumber("dueAt", due.ToUnixTimeMilliseconds());
            }

            if (put.TimeToLive is { } ttl)
            {
                writer.WriteNumber("ttl", TtlSeconds(ttl));
                writer.WriteNumber("expiresAt", (now + ttl).ToUnixTimeMilliseconds());
            }

            writer.WritePropertyName("body");
            writer.WriteRawValue(put.Json);
        });
    }

    public static MemoryStream Event(string partition, OutboxEvent e, int seq, DateTimeOffset now, TimeSpan? timeToLive)
    {
        return Write(writer =>
        {
            writer.WriteString("id", EventIdPrefix + e.EventId);
            writer.WriteString("pk", partition);
            writer.WriteString("kind", EventKind);
            writer.WriteNumber("seq", seq);
            writer.WriteNumber("committedAt", now.ToUnixTimeMilliseconds());
            writer.WriteString("eventId", e.EventId);
            writer.WriteString("type", e.Type);
            if (e.CorrelationId is null)
            {
                writer.WriteNull("correlationId");
            }
            else
            {
                writer.WriteString("correlationId", e.CorrelationId);
            }

            if (timeToLive is { } ttl)
            {
                writer.WriteNumber("ttl", TtlSeconds(ttl));
            }

            writer.WritePropertyName("body");
            writer.WriteRawValue(e.Json);
        });
    }

    /// <summary>Cosmos TTL is whole seconds, at least one.</summary>
    public static int TtlSeconds(TimeSpan ttl) => (int)Math.Clamp(Math.Ceiling(ttl.TotalSeconds), 1, int.MaxValue);

    /// <summary>The stored document, or null when its time-to-live has passed by the store's clock.</summary>
    public static StoredDocument? ToDocument(JsonElement item, DateTimeOffset now)
    {
        if (item.TryGetProperty("expiresAt", out var expires) && expires.ValueKind == JsonValueKind.Number
            && expires.GetInt64() <= now.ToUnixTimeMilliseconds())
        {
            return null;
        }

        DateTimeOffset? dueAt = item.TryGetProperty("dueAt", out var due) && due.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds(due.GetInt64())
            : null;
        return new StoredDocument(
            item.GetProperty("pk").GetString()!,
            item.GetProperty("id").GetString()!,
            item.GetProperty("kind").GetString()!,
            item.GetProperty("body").GetRawText(),
            item.GetProperty("_etag").GetString()!,
            dueAt);
    }

    public static ChangeRecord ToChange(JsonElement item) => new(
        item.GetProperty("pk").GetString()!,
        new OutboxEvent(
            item.GetProperty("eventId").GetString()!,
            item.GetProperty("type").GetString()!,
            item.GetProperty("body").GetRawText(),
            item.TryGetProperty("correlationId", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetProperty("committedAt").GetInt64()));

    public static bool IsEvent(JsonElement item) =>
        item.TryGetProperty("kind", out var kind) && kind.ValueEquals(EventKind);

    /// <summary>Change-feed order within one page: log sequence number, then position in the commit.</summary>
    public static (long Lsn, long Seq) ChangeOrder(JsonElement item) => (
        item.TryGetProperty("_lsn", out var lsn) && lsn.ValueKind == JsonValueKind.Number ? lsn.GetInt64() : 0,
        item.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number ? seq.GetInt64() : 0);

    private static MemoryStream Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return new MemoryStream(buffer.WrittenSpan.ToArray(), writable: false);
    }
}
