using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.Admin;

/// <summary>Links an Entra user (tenant id, object id) to the agent they are; one user, one agent (a new link replaces the old on either side).</summary>
public sealed record AgentIdentity(string TenantId, string ObjectId, string AgentId);

/// <summary>Who a signed-in user is in our model: their agent and that agent's current team.</summary>
public sealed record AgentMembership(string AgentId, string TeamId);

/// <summary>
/// The directory of user-to-agent links. Kept in the directory partition under the user's
/// (tenant, object id) so resolving a caller is one point read, plus one for the agent's team.
/// </summary>
public sealed class IdentityDirectory(IStateStore store)
{
    public static string IdentityId(string tenantId, string objectId) => $"identity:{tenantId.ToLowerInvariant()}:{objectId.ToLowerInvariant()}";

    public static string AgentLinkId(string agentId) => $"agent-identity:{agentId}";

    public async Task<Outcome> LinkAsync(AgentIdentity identity, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync<AgentIndex>(Partitions.Directory, $"agent:{identity.AgentId}", cancellationToken) is null)
        {
            return Problem.NotFound($"agent {identity.AgentId} does not exist");
        }

        var existing = await store.ReadAsync<AgentIdentity>(Partitions.Directory, IdentityId(identity.TenantId, identity.ObjectId), cancellationToken);
        var previous = await store.ReadAsync<AgentIdentity>(Partitions.Directory, AgentLinkId(identity.AgentId), cancellationToken);
        var writes = new List<WriteOperation>
        {
            StateStoreExtensions.Put(IdentityId(identity.TenantId, identity.ObjectId), Kinds.Identity, identity, PutDocument.Any),
            StateStoreExtensions.Put(AgentLinkId(identity.AgentId), Kinds.IdentityLink, identity, PutDocument.Any),
        };
        if (previous is not null && IdentityId(previous.Value.TenantId, previous.Value.ObjectId) != IdentityId(identity.TenantId, identity.ObjectId))
        {
            writes.Add(new DeleteDocument(IdentityId(previous.Value.TenantId, previous.Value.ObjectId)));
        }

        // A user moved to another agent: the agent they were linked to loses the link.
        if (existing is not null && existing.Value.AgentId != identity.AgentId)
        {
            writes.Add(new DeleteDocument(AgentLinkId(existing.Value.AgentId)));
        }

        await store.CommitAsync(Partitions.Directory, writes, [], cancellationToken);
        return new Success(200, Json.Write(identity));
    }

    public async Task<AgentIdentity?> LinkOfAsync(string agentId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<AgentIdentity>(Partitions.Directory, AgentLinkId(agentId), cancellationToken))?.Value;

    public async Task<AgentMembership?> ResolveAsync(string tenantId, string objectId, CancellationToken cancellationToken)
    {
        var identity = await store.ReadAsync<AgentIdentity>(Partitions.Directory, IdentityId(tenantId, objectId), cancellationToken);
        if (identity is null)
        {
            return null;
        }

        var index = await store.ReadAsync<AgentIndex>(Partitions.Directory, $"agent:{identity.Value.AgentId}", cancellationToken);
        return index is null ? null : new AgentMembership(index.Value.AgentId, index.Value.TeamId);
    }
}

/// <summary>
/// The local development tenant: demo agents are linked to it so that development tokens
/// (printed by the host's dev-token command) go through the same user-to-agent lookup as
/// Entra tokens. Object ids are derived from the agent id, so no list has to be kept.
/// </summary>
public static class DevelopmentIdentity
{
    public const string TenantId = "00000000-0000-0000-0000-0000000de7e1";

    public static string ObjectIdFor(string userName)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("acs-dev-user:" + userName));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
