using System.Security.Claims;
using System.Security.Cryptography;
using Agile.CustomerService.Application.Admin;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// Entra-style v2 access tokens minted by the tests with their own RSA key. The test tenant is
/// the development tenant, so the demo agents' seeded user links resolve as in the local run.
/// </summary>
public static class TestTokens
{
    public const string ClientId = "6f1c2a4e-52a4-4c61-9a3b-0d5b1c7e9f21";
    public static readonly string TenantId = DevelopmentIdentity.TenantId;
    public static readonly string Issuer = $"https://login.microsoftonline.com/{TenantId}/v2.0";

    public static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-key" };

    /// <summary>A second key the API does not trust (for forged-signature tests).</summary>
    public static readonly RsaSecurityKey ForeignKey = new(RSA.Create(2048)) { KeyId = "test-key" };

    public static readonly string[] Operator = ["Admin", "Coach", "ContactSource"];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Minted = new(StringComparer.Ordinal);

    /// <summary>A valid token for a user and roles; minted once per test process (RSA signing is the costly part).</summary>
    public static string For(string user, params string[] roles) =>
        Minted.GetOrAdd(user + "|" + string.Join(",", roles), _ => Mint(user, roles));

    public static string Mint(
        string user,
        string[] roles,
        string? audience = null,
        string? issuer = null,
        string? tenantId = null,
        DateTime? expires = null,
        SecurityKey? key = null,
        DateTime? now = null)
    {
        var issued = now ?? DateTime.UtcNow;
        var claims = new List<Claim>
        {
            new("tid", tenantId ?? TenantId),
            new("oid", DevelopmentIdentity.ObjectIdFor(user)),
            new("name", user),
        };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? ClientId,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issued.AddMinutes(-5),
            NotBefore = issued.AddMinutes(-5),
            Expires = expires ?? issued.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }
}
