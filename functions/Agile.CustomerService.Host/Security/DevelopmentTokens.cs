using System.Security.Claims;
using System.Security.Cryptography;
using Agile.CustomerService.Application.Admin;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Host.Security;

/// <summary>
/// Development tokens for the embedded default: signed by an RSA key generated on first use in
/// ./data (never committed, never deployed), for the development tenant whose users are linked
/// to the demo agents. The Functions host never accepts them (see AuthSetup).
/// </summary>
public sealed class DevelopmentTokenIssuer
{
    public const string Issuer = "https://agile-customerservice.localhost/development/v2.0";
    public const string Audience = "api://agile-customerservice-development";

    private readonly RSA _rsa;

    private DevelopmentTokenIssuer(RSA rsa, string keyPath)
    {
        _rsa = rsa;
        KeyPath = keyPath;
        SigningKey = new RsaSecurityKey(rsa) { KeyId = "development" };
    }

    public RsaSecurityKey SigningKey { get; }

    public string KeyPath { get; }

    /// <summary>The key beside the SQLite store (data/ by default), created if missing.</summary>
    public static DevelopmentTokenIssuer ForStore(IConfiguration configuration)
    {
        var path = configuration["Auth:DevelopmentKeyPath"]
            ?? Path.Combine(Path.GetDirectoryName(configuration["Store:SqlitePath"] ?? Path.Combine("data", "db")) is { Length: > 0 } d ? d : ".", "development-signing-key.pem");
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new DevelopmentTokenIssuer(rsa, path);
    }

    public static bool IsDevelopmentToken(string authorization) => UnvalidatedToken.Issuer(authorization) == Issuer;

    /// <summary>A token for a user of the development tenant (an agent id, or any name for coaches and admins).</summary>
    public string Mint(string user, IReadOnlyCollection<string> roles, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new List<Claim>
        {
            new("tid", DevelopmentIdentity.TenantId),
            new("oid", DevelopmentIdentity.ObjectIdFor(user)),
            new("name", user),
            new("preferred_username", $"{user}@development.localhost"),
        };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>
    /// <c>dev-token --user north-1-a03 [--user ...] [--role Agent] [--role TeamLead] [--hours 8]</c>:
    /// prints a token per user, one a line, to standard output. Returns the exit code.
    /// </summary>
    public static int RunCommand(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var users = new List<string>();
        var roles = new List<string>();
        var hours = 8.0;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--user" or "--agent" when value is not null:
                    users.Add(value);
                    i++;
                    break;
                case "--role" when value is not null:
                    roles.Add(value);
                    i++;
                    break;
                case "--hours" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var h) && h is > 0 and <= 24:
                    hours = h;
                    i++;
                    break;
                default:
                    error.WriteLine($"dev-token: unexpected '{args[i]}'. Usage: dev-token --user <agent id or name> [--role Agent|TeamLead|Coach|Admin|ContactSource]... [--hours 1-24]");
                    return 2;
            }
        }

        if (users.Count == 0 || !users.All(Domain.Organisation.Ids.IsValid))
        {
            error.WriteLine("dev-token: --user <agent id or name> is required (letters, digits, '.', '_', '-')");
            return 2;
        }

        if (roles.Count == 0)
        {
            roles.Add(Roles.Agent);
        }

        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            error.WriteLine($"dev-token: role '{unknown}' is not one of {string.Join(", ", Roles.All)}");
            return 2;
        }

        var issuer = ForStore(configuration);
        foreach (var user in users)
        {
            output.WriteLine(issuer.Mint(user, roles, TimeSpan.FromHours(hours), DateTimeOffset.UtcNow));
        }

        return 0;
    }
}
