using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Cases;

namespace Agile.CustomerService.Application.Storage;

/// <summary>
/// Idempotency records for commands outside the case lifecycle (surveys, complaints, retros,
/// pilots): the first result of a key is kept in the partition the command writes, in the same
/// commit, and a repeat with the same key and body gets it back (ADR 0005).
/// </summary>
public static class CommandLog
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static string Id(string key) => $"cmd:{key}";

    public static string Hash(string operation, string body) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + body)));

    /// <summary>A stable id made from a key (the same key always names the same new thing).</summary>
    public static string DeterministicId(string scope, string key) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + key)).AsSpan(0, 16)).ToString("N");

    public static async Task<Outcome?> ReplayAsync(IStateStore store, string partition, string key, string requestHash, CancellationToken cancellationToken)
    {
        var record = await store.ReadAsync<CommandRecord>(partition, Id(key), cancellationToken);
        if (record is null)
        {
            return null;
        }

        return record.Value.RequestHash == requestHash
            ? new Success(record.Value.Status, record.Value.Body, record.Value.ETag, record.Value.Location)
            : Problem.Invalid($"idempotency key {key} was already used for a different request");
    }

    public static PutDocument Record(string key, string operation, string requestHash, Success success) =>
        StateStoreExtensions.Put(Id(key), Kinds.Command, new CommandRecord(key, operation, requestHash, success.Status, success.BodyJson, success.ETag, success.Location), null, timeToLive: Lifetime);
}
