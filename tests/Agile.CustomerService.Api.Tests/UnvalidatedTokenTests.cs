using System.Text;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// The issuer read that picks the validating scheme: it must find the issuer of any signed JWT
/// and find none in anything else (which then goes to the Entra scheme and is rejected there).
/// </summary>
public class UnvalidatedTokenTests
{
    private static string Segment(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Issuer_OfAMintedToken_IsItsIssuer()
    {
        var token = TestTokens.Mint("north-1-a01", ["Agent"], issuer: DevelopmentTokenIssuer.Issuer);

        Assert.Equal(DevelopmentTokenIssuer.Issuer, UnvalidatedToken.Issuer("Bearer " + token));
        Assert.Equal(TestTokens.Issuer, UnvalidatedToken.Issuer("bearer  " + TestTokens.For("north-1-a01", "Agent") + " "));
    }

    [Fact]
    public void Issuer_AfterOtherClaimsOfAnyShape_IsFound()
    {
        var payload = Segment("""{"aud":["a","b"],"nested":{"iss":"not this one"},"n":1,"iss":"https://issuer.example/v2.0"}""");

        Assert.Equal("https://issuer.example/v2.0", UnvalidatedToken.Issuer($"Bearer {Segment("{}")}.{payload}.sig"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer a.b")]
    [InlineData("Bearer .e30.sig")]
    [InlineData("Bearer h.!!!.sig")]
    [InlineData("Bearer h.bm90IGpzb24.sig")]          // "not json"
    [InlineData("Bearer h.WzFd.sig")]                // [1]
    [InlineData("Bearer h.eyJpc3MiOjF9.sig")]        // {"iss":1}
    [InlineData("Bearer h.eyJzdWIiOiJ4In0.sig")]     // no iss
    [InlineData("Bearer h.eyJpc3MiOiJ4In0.k.iv.tag")] // five segments: encrypted, not ours to read
    public void Issuer_OfAnythingElse_IsNone(string authorization)
    {
        Assert.Null(UnvalidatedToken.Issuer(authorization));
    }
}
