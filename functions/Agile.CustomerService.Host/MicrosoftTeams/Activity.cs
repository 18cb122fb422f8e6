using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agile.CustomerService.Host.MicrosoftTeams;

internal sealed record ChannelAccount(string? Id, string? Name, string? AadObjectId);

internal sealed record ConversationAccount(string? Id, string? ConversationType, string? TenantId, bool? IsGroup);

internal sealed record TeamInfo(string? Id, string? Name);

internal sealed record TenantInfo(string? Id);

internal sealed record ChannelData(TeamInfo? Team, TenantInfo? Tenant, TeamInfo? Channel, string? TeamsTeamId, string? TeamsChannelId);

/// <summary>The part of a Bot Framework activity this bot reads (the rest is ignored).</summary>
internal sealed record Activity(
    string? Type,
    string? Id,
    DateTimeOffset? Timestamp,
    string? ServiceUrl,
    string? ChannelId,
    ChannelAccount? From,
    ConversationAccount? Conversation,
    ChannelAccount? Recipient,
    string? Text,
    string? Name,
    JsonElement? Value,
    ChannelData? ChannelData,
    IReadOnlyList<ChannelAccount>? MembersAdded)
{
    public const int MaxBytes = 256 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 32,
    };

    public string? TenantId => ChannelData?.Tenant?.Id ?? Conversation?.TenantId;

    public string? TeamsTeamId => ChannelData?.Team?.Id ?? ChannelData?.TeamsTeamId;

    /// <summary>The first problem that makes the activity unusable, or null.</summary>
    public string? Problem() => Type switch
    {
        null or "" => "the activity has no type",
        _ when string.IsNullOrEmpty(ServiceUrl) || !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && !u.IsLoopback)
            => "the activity needs an absolute https serviceUrl",
        _ when string.IsNullOrEmpty(Conversation?.Id) || Conversation.Id.Length > 512 => "the activity needs a conversation id",
        _ when Text is { Length: > 28_000 } => "the message text is too long",
        _ => null,
    };

    /// <summary>Reads a raw body: (activity, null) or (null, what is wrong). Never throws for bad input.</summary>
    public static (Activity? Activity, string? Problem) Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, "an activity (JSON object) is required");
        }

        try
        {
            var activity = JsonSerializer.Deserialize<Activity>(body, Options);
            return activity is null ? (null, "the activity must be a JSON object") : (activity, null);
        }
        catch (JsonException ex)
        {
            return (null, ex.Path is { Length: > 1 } path ? $"malformed activity: the value at {path} is not valid" : "malformed activity: not JSON");
        }
    }
}
