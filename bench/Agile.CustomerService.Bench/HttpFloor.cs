using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

/// <summary>
/// The HTTP floor: what an intake's requests cost with nothing of the product in them. Per
/// intake, three authenticated requests (as the intake, the accept and the resolve), each a
/// JSON body bound by a minimal-API endpoint, a bearer token validated (RS256, issuer,
/// audience, lifetime, role), one conditional SQLite write (<see cref="FloorStore"/>) and a JSON
/// answer, through Kestrel on loopback in a process of its own with the host's runtime settings
/// (workstation GC, no dynamic PGO). Same clients and concurrency as the intake load; the first
/// request of the three is timed. No domain, no idempotency record, no events, no subscribers.
/// </summary>
internal static class HttpFloor
{
    public const string ServerFlag = "--http-floor-server";

    private const string Issuer = "urn:acs-bench:http-floor";
    private const string Audience = "urn:acs-bench:http-floor";

    /// <summary>The server's CPU time over the timed phase of the last run.</summary>
    public static TimeSpan ServerCpu { get; private set; }

    public static async Task<Stats> RunAsync(string work, int intakes, int concurrency, int port)
    {
        using var rsa = RSA.Create(2048);
        var keyPath = Path.Combine(work, "http-floor-key.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportSubjectPublicKeyInfoPem());
        var info = new ProcessStartInfo("dotnet", [typeof(HttpFloor).Assembly.Location, ServerFlag, port.ToString(CultureInfo.InvariantCulture), Path.Combine(work, "http-floor.db"), keyPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The host's runtime settings (its project file): workstation GC, no dynamic PGO.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        using var server = Process.Start(info)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  http floor: {e.Data}"); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            await HostProcess.WaitReadyAsync(new Uri(baseAddress, "/health"), "the HTTP floor's server");
            var credentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
            var channel = Mint(credentials, "bench-channel", "ContactSource");
            var agents = Enumerable.Range(0, concurrency).Select(i => Mint(credentials, $"agent-{i}", "Agent")).ToArray();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseAddress };
            await RunPhaseAsync(http, channel, agents, Math.Min(2000, intakes / 10), concurrency, []);
            var latencies = new List<double>(intakes);
            server.Refresh();
            var cpuStart = server.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await RunPhaseAsync(http, channel, agents, intakes, concurrency, latencies);
            var elapsed = clock.Elapsed;
            server.Refresh();
            ServerCpu = server.TotalProcessorTime - cpuStart;
            return Stats.From(latencies, elapsed);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }

    private static async Task RunPhaseAsync(HttpClient http, string channel, string[] agents, int intakes, int concurrency, List<double> latencies)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            var mine = new List<double>();
            while (Interlocked.Increment(ref next) < intakes)
            {
                var started = Stopwatch.GetTimestamp();
                await PostAsync(http, $"/floor/intake/doc-{1 + random.Next(FloorStore.Documents)}", channel, new { customerId = "cust-00042", channel = "phone", topic = "bench", tier = "simple" });
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                await PostAsync(http, $"/floor/accept/doc-{1 + random.Next(FloorStore.Documents)}", agents[worker], new { agentId = $"agent-{worker}" });
                await PostAsync(http, $"/floor/resolve/doc-{1 + random.Next(FloorStore.Documents)}", agents[worker], new { agentId = $"agent-{worker}", resolution = "bench" });
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }));
    }

    private static async Task PostAsync(HttpClient http, string url, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"http floor: {(int)response.StatusCode} {answer}");
        }
    }

    private static string Mint(SigningCredentials credentials, string user, string role) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", user), new Claim("name", user), new Claim("roles", role)]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = credentials,
        });

    /// <summary>The server process: <c>--http-floor-server port database public-key-pem</c>.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var port = int.Parse(args[1], CultureInfo.InvariantCulture);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(args[3]));
        using var store = new FloorStore(args[2]);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;

            // The checks the host makes of a token (Security/Auth.cs, Validation), written out here
            // because the floor is to have nothing of the product in it.
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                RoleClaimType = "roles",
                NameClaimType = "name",
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                IssuerSigningKey = new RsaSecurityKey(rsa),
            };
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/floor/{step}/{id}", async (string step, string id, FloorRequest body) =>
            body.CustomerId is null && body.AgentId is null
                ? Results.Problem(statusCode: 400, detail: "name a customerId or an agentId")
                : Results.Json(new { id, step, version = await store.WriteAsync(id) })).RequireAuthorization(p => p.RequireRole("ContactSource", "Agent"));
        await app.RunAsync();
        return 0;
    }

    private sealed record FloorRequest(string? CustomerId, string? Channel, string? Topic, string? Tier, string? AgentId, string? Resolution);
}
