using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>A request the fake received.</summary>
public sealed record Received(string Method, string Path, string? Authorization, string Body, DateTimeOffset At)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// The outside world of Microsoft Teams on loopback, served by a real Kestrel inside the test:
/// the Bot Framework OpenID metadata and JWKS (with a key the test owns), the Bot Connector
/// (<c>/v3/conversations/{id}/activities</c>) and Microsoft Graph
/// (<c>/v1.0/users/{id}/teamwork/sendActivityNotification</c>). It records every request and
/// answers from a script of status codes (default 201/204).
/// </summary>
public sealed class FakeTeamsServer : IAsyncDisposable
{
    public const string BotToken = "bot-token-from-test-credential";
    public const string GraphToken = "graph-token-from-test-credential";
    public const string KeyId = "test-key-1";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _script = new();

    public FakeTeamsServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/openid", () => Results.Json(new JsonObject
        {
            ["issuer"] = "https://api.botframework.com",
            ["jwks_uri"] = $"{BaseUrl}/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        _app.MapGet("/keys", () =>
        {
            var p = SigningKey.ExportParameters(false);
            return Results.Json(new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus!), ["e"] = Base64UrlEncoder.Encode(p.Exponent!),
                }),
            });
        });
        _app.MapPost("/v3/conversations/{id}/activities/{replyTo?}", RecordAsync);
        _app.MapPost("/v1.0/users/{id}/teamwork/sendActivityNotification", RecordAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public RSA SigningKey { get; } = RSA.Create(2048);

    public string BaseUrl { get; }

    public string MetadataUrl => $"{BaseUrl}/openid";

    public string GraphUrl => $"{BaseUrl}/v1.0";

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The next answers, in order (then 201 for the connector, 204 for Graph).</summary>
    public void Answer(params (int Status, string? RetryAfter)[] answers)
    {
        foreach (var a in answers)
        {
            _script.Enqueue(a);
        }
    }

    private async Task<IResult> RecordAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue(new Received(request.Method, request.Path.Value!, request.Headers.Authorization.FirstOrDefault(), body, DateTimeOffset.UtcNow));
        if (_script.TryDequeue(out var answer))
        {
            if (answer.RetryAfter is not null)
            {
                request.HttpContext.Response.Headers.RetryAfter = answer.RetryAfter;
            }

            return Results.StatusCode(answer.Status);
        }

        return request.Path.StartsWithSegments("/v1.0", StringComparison.Ordinal)
            ? Results.NoContent()
            : Results.Json(new { id = "activity-" + Guid.NewGuid().ToString("N") }, statusCode: 201);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        SigningKey.Dispose();
    }
}
