using System.Diagnostics;
using System.Text.RegularExpressions;
using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>No secret-looking string is committed (issue 6): keys, tokens, client secrets, keyed connection strings.</summary>
public sealed partial class CommittedSecretsTests
{
    /// <summary>The published, well-known local emulator keys; allowed in test configuration only.</summary>
    private static readonly string[] WellKnownEmulatorKeys =
    [
        "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nzaK7mE8QpMi3Kz7FB6KzZFm9O1S8nF0A4nKJO2w==",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    ];

    [GeneratedRegex(@"-----BEGIN (RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"(AccountKey|SharedAccessKey|AccessKey)\s*=\s*([A-Za-z0-9+/]{20,}={0,2})")]
    private static partial Regex KeyedConnectionString();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34}")]
    private static partial Regex EntraClientSecret();

    [GeneratedRegex(@"[?&]sig=[A-Za-z0-9%]{30,}")]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}")]
    private static partial Regex OtherVendorTokens();

    public static IEnumerable<string> Findings(string path, string text)
    {
        foreach (var (name, regex) in new (string, Regex)[]
        {
            ("private key", PrivateKey()), ("JWT", Jwt()), ("Entra client secret", EntraClientSecret()),
            ("SAS signature", SasSignature()), ("vendor token", OtherVendorTokens()),
        })
        {
            foreach (Match m in regex.Matches(text))
            {
                yield return $"{path}: {name} '{m.Value[..Math.Min(24, m.Value.Length)]}...'";
            }
        }

        foreach (Match m in KeyedConnectionString().Matches(text))
        {
            if (!WellKnownEmulatorKeys.Contains(m.Groups[2].Value))
            {
                yield return $"{path}: keyed connection string '{m.Groups[1].Value}=...'";
            }
        }
    }

    [Fact]
    public async Task TrackedFiles_HoldNoSecretLookingString()
    {
        var info = new ProcessStartInfo("git", ["ls-files", "-z"]) { WorkingDirectory = Repository.Root, RedirectStandardOutput = true };
        using var git = Process.Start(info)!;
        var listing = await git.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await git.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, git.ExitCode);
        var files = listing.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(files);

        var findings = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(Repository.Root, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000 || file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            findings.AddRange(Findings(file, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)));
        }

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void Scanner_FindsPlantedSecrets_AndAllowsTheEmulatorKeys()
    {
        // Built at run time so this file itself holds nothing the scan would flag.
        var planted = string.Join(Environment.NewLine,
            "-----BEGIN " + "PRIVATE KEY-----",
            "DefaultEndpointsProtocol=https;AccountName=x;Account" + "Key=" + new string('Q', 40) + "==",
            "ey" + "J" + new string('a', 20) + ".ey" + "J" + new string('b', 20) + "." + new string('c', 20),
            "abc" + "8Q~" + new string('d', 32),
            "AKIA" + "ABCDEFGHIJKLMNOP");
        var allowed = "AccountEndpoint=https://localhost:8081/;Account" + "Key=" + WellKnownEmulatorKeys[0];

        Assert.Equal(5, Findings("planted", planted).Count());
        Assert.Empty(Findings("emulator", allowed));
    }
}
