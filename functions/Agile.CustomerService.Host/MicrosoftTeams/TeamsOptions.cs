namespace Agile.CustomerService.Host.MicrosoftTeams;

/// <summary>One of our teams as Microsoft Teams knows it: its team thread id and, for the outgoing webhook, its security token.</summary>
internal sealed record TeamsTeam(string TeamId, string? TeamsTeamId, byte[]? WebhookKey);

/// <summary>
/// Configuration of the Microsoft Teams surface (section <c>MicrosoftTeams</c>):
/// <c>Bot:AppId</c>, <c>Bot:TenantId</c>, <c>Bot:OpenIdMetadataUrl</c>, <c>Bot:Issuers</c>, <c>Bot:ClientSecret</c> (dev only),
/// <c>Graph:BaseUrl</c>, <c>PublicBaseUrl</c>, and per team <c>Teams:{teamId}:TeamsTeamId</c> / <c>Teams:{teamId}:WebhookSecret</c>
/// (or all thread ids in one <c>TeamThreads</c> setting).
/// </summary>
internal sealed class TeamsOptions
{
    public const string Section = "MicrosoftTeams";
    public const string BotFrameworkMetadata = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    public string? AppId { get; init; }

    public string? TenantId { get; init; }

    public string? ClientSecret { get; init; }

    public string? ManagedIdentityClientId { get; init; }

    public string OpenIdMetadataUrl { get; init; } = BotFrameworkMetadata;

    public IReadOnlyList<string> Issuers { get; init; } = [BotFrameworkIssuer];

    public string GraphBaseUrl { get; init; } = "https://graph.microsoft.com/v1.0";

    public string? PublicBaseUrl { get; init; }

    public string? TeamsAppId { get; init; }

    /// <summary>How old (or how far in the future) a webhook activity's timestamp may be.</summary>
    public TimeSpan WebhookWindow { get; init; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<TeamsTeam> Teams { get; init; } = [];

    public string? TeamOf(string? teamsTeamId) =>
        teamsTeamId is null ? null : Teams.FirstOrDefault(t => string.Equals(t.TeamsTeamId, teamsTeamId, StringComparison.OrdinalIgnoreCase))?.TeamId;

    public static TeamsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var teams = new List<TeamsTeam>();
        foreach (var team in section.GetSection("Teams").GetChildren())
        {
            byte[]? key = null;
            if (team["WebhookSecret"] is { Length: > 0 } secret)
            {
                try
                {
                    key = Convert.FromBase64String(secret);
                }
                catch (FormatException)
                {
                    throw new InvalidOperationException($"{Section}:Teams:{team.Key}:WebhookSecret is not base64 (paste the security token Teams showed when the outgoing webhook was created)");
                }
            }

            teams.Add(new TeamsTeam(team.Key, team["TeamsTeamId"], key));
        }

        // The same mapping in one setting, "north-1=19:…@thread.tacv2;north-2=…": Linux app settings
        // cannot carry a team id with a hyphen in their names (how Bicep sets it).
        foreach (var pair in (section["TeamThreads"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new InvalidOperationException($"{Section}:TeamThreads holds '{pair}': expected teamId=teamsThreadId pairs separated by ';'");
            }

            var configured = teams.FindIndex(t => t.TeamId == parts[0]);
            if (configured < 0)
            {
                teams.Add(new TeamsTeam(parts[0], parts[1], null));
            }
            else if (teams[configured].TeamsTeamId is null)
            {
                teams[configured] = teams[configured] with { TeamsTeamId = parts[1] };
            }
        }

        var issuers = section.GetSection("Bot:Issuers").Get<string[]>();
        return new TeamsOptions
        {
            AppId = section["Bot:AppId"],
            TenantId = section["Bot:TenantId"],
            ClientSecret = section["Bot:ClientSecret"],
            ManagedIdentityClientId = section["Bot:ManagedIdentityClientId"] ?? configuration["AZURE_CLIENT_ID"],
            OpenIdMetadataUrl = section["Bot:OpenIdMetadataUrl"] ?? BotFrameworkMetadata,
            Issuers = issuers is { Length: > 0 } ? issuers : [BotFrameworkIssuer],
            GraphBaseUrl = (section["Graph:BaseUrl"] ?? "https://graph.microsoft.com/v1.0").TrimEnd('/'),
            PublicBaseUrl = section["PublicBaseUrl"]?.TrimEnd('/'),
            TeamsAppId = section["TeamsAppId"],
            Teams = teams,
        };
    }
}
