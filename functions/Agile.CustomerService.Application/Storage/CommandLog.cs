using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Cases;

namespace Agile.CustomerService.Application.Storage;

/// <summary>
/// Idempotency records of every command (cases, schedules, quality, surveys, complaints, retros,
/// pilots): the first result of a key is kept in the partition the command writes, in the same
/// commit, and a repeat with the same key and body gets it back (ADR 0005).
/// </summary>
public static class CommandLog
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>The record's id; a scope keeps one service's keys apart from another's in a shared partition.</summary>
    public static string Id(string key, string? scope = null) => scope is null ? $"cmd:{key}" : $"cmd:{scope}:{key}";

    public static string Hash(string operation, string body) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + body)));

    /// <summary>A stable id made from a key (the same key always names the same new thing).</summary>
    public static string DeterministicId(string scope, string key) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + key)).AsSpan(0, 16)).ToString("N");

    public static async Task<Outcome?> ReplayAsync(IStateStore store, string partition, string key, string requestHash, CancellationToken cancellationToken, string? scope = null)
    {
        var record = await store.ReadAsync<CommandRecord>(partition, Id(key, scope), cancellationToken);
        return record is null ? null : Answer(record.Value, requestHash);
    }

    /// <summary>The kept answer of a record, or 422 when the key came with a different request.</summary>
    public static Outcome Answer(CommandRecord record, string requestHash) =>
        record.RequestHash == requestHash
            ? new Success(record.Status, record.Body, record.ETag, record.Location)
            : Problem.Invalid($"idempotency key {record.Key} was already used for a different request");

    public static PutDocument Record(string key, string operation, string requestHash, Success success) =>
        Record(key, operation, requestHash, success.Status, success.BodyJson, success.ETag, success.Location);

    /// <summary>The record written (create-only) in the same commit as the command's effects.</summary>
    public static PutDocument Record(string key, string operation, string requestHash, int status, string body, string? etag, string? location, string? scope = null) =>
        Record(new CommandRecord(key, operation, requestHash, status, body, etag, location), scope);

    /// <summary>A record's document (create-only, kept for <see cref="Lifetime"/>).</summary>
    public static PutDocument Record(CommandRecord record, string? scope = null) =>
        StateStoreExtensions.Put(Id(record.Key, scope), Kinds.Command, record, null, timeToLive: Lifetime);
}
