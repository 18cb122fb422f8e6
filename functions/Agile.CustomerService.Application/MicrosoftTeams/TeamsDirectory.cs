using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>Who an agent is in Microsoft Entra ID: the tenant and the user's object id (<c>aadObjectId</c>, <c>oid</c>).</summary>
public sealed record TeamsIdentity(string AgentId, string TenantId, string ObjectId);

/// <summary>
/// Where the bot can write: a team channel (installed in a team) or a personal chat (installed
/// by a user). Kept from conversationUpdate events and from every message, as Bot Framework
/// proactive messaging requires (service URL, tenant, conversation id).
/// </summary>
public sealed record ConversationReference(
    string ServiceUrl,
    string TenantId,
    string ConversationId,
    string Scope,
    string? TeamsTeamId,
    string? UserObjectId,
    DateTimeOffset SeenAt)
{
    public const string Channel = "channel";
    public const string Personal = "personal";
}

/// <summary>An activity already sent for one event (proactive messages are idempotent per event and recipient).</summary>
public sealed record SentNotification(string EventId, string Recipient, DateTimeOffset SentAt);

/// <summary>
/// The Teams-side documents, all in the directory partition (small, read by id):
/// <c>teams-user:{tenant}:{oid}</c> → agent, <c>teams-identity:{agent}</c> → identity (both written in one commit),
/// <c>teams-conv-team:{team}</c> and <c>teams-conv-user:{tenant}:{oid}</c> → conversation references.
/// Sent markers live in the recipient team's partition, expiring after a week.
/// </summary>
public sealed class TeamsDirectory(IStateStore store, IdentityDirectory identities, TimeProvider time)
{
    public const string IdentityKind = "teams-identity";
    public const string UserKind = "teams-user";
    public const string ConversationKind = "teams-conversation";
    public const string SentKind = "teams-sent";

    private static readonly TimeSpan SentLifetime = TimeSpan.FromDays(7);

    public static string UserId(string tenantId, string objectId) => $"teams-user:{tenantId.ToLowerInvariant()}:{objectId.ToLowerInvariant()}";

    public static string IdentityId(string agentId) => $"teams-identity:{agentId}";

    public static string TeamConversationId(string teamId) => $"teams-conv-team:{teamId}";

    public static string UserConversationId(string tenantId, string objectId) => $"teams-conv-user:{tenantId.ToLowerInvariant()}:{objectId.ToLowerInvariant()}";

    /// <summary>Links an agent to an Entra user: the one user-to-agent directory that bearer sign-in uses too.</summary>
    public Task<Outcome> SetIdentityAsync(string agentId, string tenantId, string objectId, CancellationToken cancellationToken) =>
        identities.LinkAsync(new AgentIdentity(tenantId, objectId, agentId), cancellationToken);

    public async Task<TeamsIdentity?> IdentityOfAgentAsync(string agentId, CancellationToken cancellationToken) =>
        await identities.LinkOfAsync(agentId, cancellationToken) is { } link
            ? new TeamsIdentity(link.AgentId, link.TenantId.ToLowerInvariant(), link.ObjectId.ToLowerInvariant())
            : null;

    public async Task<string?> AgentOfUserAsync(string? tenantId, string? objectId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(tenantId) || string.IsNullOrEmpty(objectId)
            ? null
            : (await identities.ResolveAsync(tenantId, objectId, cancellationToken))?.AgentId;

    public Task RememberTeamConversationAsync(string teamId, ConversationReference reference, CancellationToken cancellationToken) =>
        store.CommitAsync(Partitions.Directory, cancellationToken, StateStoreExtensions.Put(TeamConversationId(teamId), ConversationKind, reference, PutDocument.Any));

    public Task RememberUserConversationAsync(ConversationReference reference, CancellationToken cancellationToken) =>
        store.CommitAsync(Partitions.Directory, cancellationToken, StateStoreExtensions.Put(UserConversationId(reference.TenantId, reference.UserObjectId!), ConversationKind, reference, PutDocument.Any));

    public async Task<ConversationReference?> TeamConversationAsync(string teamId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<ConversationReference>(Partitions.Directory, TeamConversationId(teamId), cancellationToken))?.Value;

    public async Task<ConversationReference?> UserConversationAsync(string tenantId, string objectId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<ConversationReference>(Partitions.Directory, UserConversationId(tenantId, objectId), cancellationToken))?.Value;

    public static string SentId(string eventId, string recipient) => $"teams-sent:{eventId}:{recipient}";

    public async Task<bool> WasSentAsync(string partition, string eventId, string recipient, CancellationToken cancellationToken) =>
        await store.ReadAsync(partition, SentId(eventId, recipient), cancellationToken) is not null;

    public Task MarkSentAsync(string partition, string eventId, string recipient, CancellationToken cancellationToken) =>
        store.CommitAsync(partition, cancellationToken, StateStoreExtensions.Put(
            SentId(eventId, recipient), SentKind, new SentNotification(eventId, recipient, time.GetUtcNow()), PutDocument.Any, timeToLive: SentLifetime));
}
