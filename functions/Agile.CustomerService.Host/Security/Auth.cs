using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using Agile.CustomerService.Application.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Host.Security;

/// <summary>The app roles of the Entra app registration (and of development tokens).</summary>
public static class Roles
{
    public const string Agent = "Agent";
    public const string TeamLead = "TeamLead";
    public const string Coach = "Coach";
    public const string Admin = "Admin";

    /// <summary>A channel integration (telephony, chat, web form) that submits contacts; an application, not a person.</summary>
    public const string ContactSource = "ContactSource";

    public static readonly IReadOnlyList<string> All = [Agent, TeamLead, Coach, Admin, ContactSource];
}

/// <summary>Claims we add to a signed-in user once their Entra identity is linked to an agent.</summary>
public static class CallerClaims
{
    public const string Agent = "acs_agent";
    public const string Team = "acs_team";

    public static string? AgentId(this ClaimsPrincipal user) => user.FindFirst(Agent)?.Value;

    public static string? TeamId(this ClaimsPrincipal user) => user.FindFirst(Team)?.Value;

    public static string Describe(this ClaimsPrincipal user) =>
        user.AgentId() is { } agent ? $"agent {agent} of team {user.TeamId()}" : $"user {user.FindFirst("oid")?.Value ?? "(unknown)"}";
}

/// <summary>
/// Entra ID settings. Tokens are v2 access tokens for our API: issuer
/// https://login.microsoftonline.com/{TenantId}/v2.0, audience the client id or api://{ClientId}
/// (or an extra <see cref="Audience"/>, e.g. the Teams tab SSO resource).
/// </summary>
public sealed class AuthSettings
{
    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string? Audience { get; set; }

    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>Where the signing keys come from; by default the tenant's OpenID metadata.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Accept tokens from the local development key (never under the Functions host).</summary>
    public bool DevelopmentTokens { get; set; } = true;

    public bool EntraConfigured => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId);

    public string Issuer => $"{Instance.TrimEnd('/')}/{TenantId}/v2.0";

    public IEnumerable<string> Audiences()
    {
        yield return ClientId!;
        yield return $"api://{ClientId}";
        if (!string.IsNullOrWhiteSpace(Audience))
        {
            yield return Audience;
        }
    }
}

internal static class AuthSetup
{
    public const string Scheme = "Bearer";
    public const string EntraScheme = "Entra";
    public const string DevelopmentScheme = "Development";

    /// <summary>
    /// Bearer authentication with two possible issuers: Entra ID (when configured) and, only when
    /// the handler runs outside the Functions host, the local development key. The token's
    /// issuer picks the scheme; a token of an issuer that is not enabled fails.
    /// </summary>
    public static void AddAuth(IServiceCollection services, IConfiguration configuration, bool underFunctionsHost)
    {
        var settings = configuration.GetSection("Auth").Get<AuthSettings>() ?? new AuthSettings();
        var development = settings.DevelopmentTokens && !underFunctionsHost;
        if (underFunctionsHost && !settings.EntraConfigured)
        {
            throw new InvalidOperationException("Auth:TenantId and Auth:ClientId are required when running under the Functions host");
        }

        services.AddSingleton(settings);
        services.AddMemoryCache();
        services.AddSingleton<IdentityDirectory>();
        services.AddSingleton<CallerResolver>();
        services.AddTransient<IClaimsTransformation, CallerClaimsTransformation>();

        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Entra ID or development bearer token", o => o.ForwardDefaultSelector = context =>
                development && DevelopmentTokenIssuer.IsDevelopmentToken(context.Request.Headers.Authorization.ToString())
                    ? DevelopmentScheme
                    : EntraScheme);

        authentication.AddJwtBearer(EntraScheme, o =>
        {
            o.MapInboundClaims = false;
            o.RequireHttpsMetadata = !settings.Instance.StartsWith("http://", StringComparison.Ordinal);
            if (settings.EntraConfigured)
            {
                o.MetadataAddress = settings.MetadataAddress ?? $"{settings.Issuer}/.well-known/openid-configuration";
            }

            o.TokenValidationParameters = Validation(
                settings.EntraConfigured ? [settings.Issuer] : ["urn:entra-not-configured"],
                settings.EntraConfigured ? [.. settings.Audiences()] : ["urn:entra-not-configured"]);
            if (!settings.EntraConfigured)
            {
                // Nothing can validate: no metadata is fetched and every Entra token is refused.
                o.Configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration();
            }

            o.Events = ProblemEvents();
        });

        if (development)
        {
            services.AddSingleton(sp => DevelopmentTokenIssuer.ForStore(configuration));
            services.AddOptions<JwtBearerOptions>(DevelopmentScheme).Configure<DevelopmentTokenIssuer>((o, issuer) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = Validation([DevelopmentTokenIssuer.Issuer], [DevelopmentTokenIssuer.Audience]);
                o.TokenValidationParameters.IssuerSigningKey = issuer.SigningKey;
                o.Events = ProblemEvents();
            });
            authentication.AddJwtBearer(DevelopmentScheme, _ => { });
        }

        // Anything that declares no rule still needs a signed-in caller (defence in depth).
        services.AddAuthorization(o => o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    private static TokenValidationParameters Validation(string[] issuers, string[] audiences) => new()
    {
        ValidIssuers = issuers,
        ValidAudiences = audiences,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromMinutes(2),
        RoleClaimType = "roles",
        NameClaimType = "name",
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
    };

    /// <summary>401 as ProblemDetails that says what was wrong with the token (never the token itself).</summary>
    private static JwtBearerEvents ProblemEvents() => new()
    {
        OnChallenge = async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var detail = context.AuthenticateFailure switch
            {
                null => "a bearer token is required (Authorization: Bearer <token>)",
                SecurityTokenExpiredException => "the bearer token has expired",
                SecurityTokenInvalidAudienceException => "the bearer token is not for this API (audience)",
                SecurityTokenInvalidIssuerException => "the bearer token's issuer (tenant) is not accepted",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the bearer token's signature is not valid",
                _ => "the bearer token is not valid",
            };
            await Results.Problem(title: "Unauthorized", detail: detail, statusCode: 401).ExecuteAsync(context.HttpContext);
        },
        OnForbidden = async context =>
            await Results.Problem(title: "Forbidden", detail: "your roles do not allow this", statusCode: 403).ExecuteAsync(context.HttpContext),
    };
}

/// <summary>
/// Resolves a signed-in user to their agent and team by (tid, oid), cached for a minute so a
/// request costs no store reads; linking a user evicts their entry at once.
/// </summary>
public sealed class CallerResolver(IdentityDirectory directory, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public async Task<AgentMembership?> ResolveAsync(string tenantId, string objectId, CancellationToken cancellationToken)
    {
        var key = Key(tenantId, objectId);
        if (cache.TryGetValue(key, out AgentMembership? membership))
        {
            return membership;
        }

        membership = await directory.ResolveAsync(tenantId, objectId, cancellationToken);
        cache.Set(key, membership, Lifetime);
        return membership;
    }

    public void Forget(string tenantId, string objectId) => cache.Remove(Key(tenantId, objectId));

    private static string Key(string tenantId, string objectId) => IdentityDirectory.IdentityId(tenantId, objectId);
}

/// <summary>Adds the caller's agent and team; a team lead is also an agent of their team.</summary>
internal sealed class CallerClaimsTransformation(CallerResolver resolver) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity || identity.HasClaim(c => c.Type == CallerClaims.Agent))
        {
            return principal;
        }

        if (principal.IsInRole(Roles.TeamLead) && !principal.IsInRole(Roles.Agent))
        {
            identity.AddClaim(new Claim(identity.RoleClaimType, Roles.Agent));
        }

        var tenant = principal.FindFirst("tid")?.Value;
        var user = principal.FindFirst("oid")?.Value;
        if (tenant is null || user is null)
        {
            return principal;
        }

        if (await resolver.ResolveAsync(tenant, user, CancellationToken.None) is { } membership)
        {
            identity.AddClaim(new Claim(CallerClaims.Agent, membership.AgentId));
            identity.AddClaim(new Claim(CallerClaims.Team, membership.TeamId));
        }

        return principal;
    }
}

/// <summary>
/// Reads a JWT's issuer without validating it, to pick the scheme that will validate it. It runs on
/// every request, so it decodes only the payload segment and reads its top-level "iss" string,
/// instead of parsing the whole token with a new handler each time; anything that is not a
/// signed JWT with a readable payload has no issuer here (and the Entra scheme rejects it).
/// </summary>
internal static class UnvalidatedToken
{
    /// <summary>Payloads larger than this are not ours to sniff; the validating scheme reads them.</summary>
    private const int MaxPayloadChars = 16 * 1024;

    public static string? Issuer(string authorization)
    {
        const string prefix = "Bearer ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization.AsSpan(prefix.Length).Trim();
        var firstDot = token.IndexOf('.');
        var rest = firstDot < 0 ? default : token[(firstDot + 1)..];
        var secondDot = rest.IndexOf('.');
        if (firstDot <= 0 || secondDot <= 0 || rest[(secondDot + 1)..].Contains('.') || secondDot > MaxPayloadChars)
        {
            return null; // not header.payload.signature
        }

        var payload = rest[..secondDot];
        if (!Base64Url.IsValid(payload))
        {
            return null; // TryDecodeFromChars throws on characters outside the alphabet
        }

        var rented = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            return Base64Url.TryDecodeFromChars(payload, rented, out var written) ? IssuerOf(rented.AsSpan(0, written)) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static string? IssuerOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isIssuer = reader.ValueTextEquals("iss"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isIssuer)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
