using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>Mints Bot Framework-style JWTs signed with the test's own RSA key.</summary>
public static class BotTokens
{
    public const string Issuer = "https://api.botframework.com";

    public static string Mint(
        RSA key,
        DateTimeOffset now,
        string audience = TeamsApp.BotAppId,
        string issuer = Issuer,
        string? serviceUrl = null,
        TimeSpan? lifetime = null,
        string keyId = FakeTeamsServer.KeyId)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var claims = new Dictionary<string, object>();
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (now - TimeSpan.FromMinutes(1)).UtcDateTime,
            NotBefore = (now - TimeSpan.FromMinutes(1) < expires ? now - TimeSpan.FromMinutes(1) : expires - TimeSpan.FromMinutes(1)).UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>An unsigned token (alg "none") with otherwise valid claims.</summary>
    public static string AlgNone(DateTimeOffset now, string serviceUrl)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(json));
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{TeamsApp.BotAppId}}","exp":{{(now + TimeSpan.FromHours(1)).ToUnixTimeSeconds()}},"nbf":{{(now - TimeSpan.FromMinutes(1)).ToUnixTimeSeconds()}},"serviceurl":"{{serviceUrl}}"}""";
        return Part("""{"alg":"none","typ":"JWT"}""") + "." + Part(payload) + ".";
    }
}
