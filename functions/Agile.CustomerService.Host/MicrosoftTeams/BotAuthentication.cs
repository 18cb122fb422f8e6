using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Host.MicrosoftTeams;

/// <summary>
/// Validates the JWT the Bot Framework puts on every activity it sends to the messaging
/// endpoint: RS256 signature by a key of the Bot Framework OpenID metadata (cached and
/// refreshed by <see cref="ConfigurationManager{T}"/>), issuer, audience = the bot's app id,
/// lifetime (5 minutes of skew). The caller then checks the token's <c>serviceUrl</c> claim
/// against the activity's, so a token for one service URL cannot send us elsewhere.
/// </summary>
internal sealed class BotAuthentication
{
    private readonly TeamsOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;

    public BotAuthentication(TeamsOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        if (options.AppId is { Length: > 0 })
        {
            var uri = new Uri(options.OpenIdMetadataUrl);
            _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.OpenIdMetadataUrl,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = !uri.IsLoopback });
        }
    }

    /// <summary>The validated claims, or the reason the request is refused (a 401).</summary>
    public async Task<(ClaimsIdentity? Identity, string? Problem)> ValidateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (_metadata is null)
        {
            return (null, "the bot is not configured (MicrosoftTeams:Bot:AppId)");
        }

        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length < 8)
        {
            return (null, "a Bot Framework bearer token is required");
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new Application.Storage.StoreUnavailableException("the Bot Framework signing keys could not be read", ex);
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = _options.Issuers,
            ValidAudience = _options.AppId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return expires is { } e && e + p.ClockSkew > now && (notBefore is not { } nb || nb - p.ClockSkew <= now);
            },
        };
        var result = await _handler.ValidateTokenAsync(authorization[7..].Trim(), parameters);
        if (!result.IsValid)
        {
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // Keys roll over: read the metadata again next time.
                _metadata.RequestRefresh();
            }

            return (null, $"the bearer token is not valid: {Reason(result.Exception)}");
        }

        return (result.ClaimsIdentity, null);
    }

    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "expired or not yet valid",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "signature not valid",
        SecurityTokenMalformedException => "malformed",
        _ => "not accepted",
    };
}
