using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application.MicrosoftTeams;
using Azure.Core;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Teamwork.SendActivityNotification;
using Microsoft.Kiota.Authentication.Azure;
using Polly;
using Polly.Retry;

namespace Agile.CustomerService.Host.MicrosoftTeams;

/// <summary>The credential the bot uses for the Bot Connector and Graph (managed identity in Azure; tests bring their own).</summary>
internal sealed record TeamsCredential(TokenCredential Credential)
{
    public const string BotScope = "https://api.botframework.com/.default";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    public static TeamsCredential From(TeamsOptions options) => new(
        options.ClientSecret is { Length: > 0 } secret && options.AppId is { Length: > 0 } appId
            ? new Azure.Identity.ClientSecretCredential(options.TenantId ?? "botframework.com", appId, secret)
            : new Azure.Identity.ManagedIdentityCredential((options.ManagedIdentityClientId ?? options.AppId) is { Length: > 0 } clientId
                ? Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId)
                : Azure.Identity.ManagedIdentityId.SystemAssigned));
}

/// <summary>
/// Speaks to Microsoft Teams: Bot Connector REST over plain HTTPS for conversations
/// (<c>POST {serviceUrl}/v3/conversations/{id}/activities</c>) and the Microsoft Graph SDK for
/// the activity feed. Every send to a conversation waits for the per-conversation rate limiter,
/// and is retried with exponential back-off on 429 and 5xx, honouring Retry-After.
/// </summary>
internal sealed class TeamsMessenger : ITeamsMessenger
{
    public const int MaxRetries = 4;

    private readonly HttpClient _http;
    private readonly TeamsCredential _credential;
    private readonly TeamsOptions _options;
    private readonly ConversationRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly ILogger<TeamsMessenger> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private GraphServiceClient? _graph;

    public bool Enabled => !string.IsNullOrEmpty(_options.AppId);

    public TeamsMessenger(HttpClient http, TeamsCredential credential, TeamsOptions options, ConversationRateLimiter limiter, TimeProvider time, ILogger<TeamsMessenger> logger)
    {
        _http = http;
        _credential = credential;
        _options = options;
        _limiter = limiter;
        _time = time;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(60),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    _logger.LogInformation("Teams answered {Status}; retry {Attempt} in {Delay}", args.Outcome.Result?.StatusCode, args.AttemptNumber + 1, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public Task<Delivery> SendAsync(ConversationReference conversation, ChatReply reply, CancellationToken cancellationToken) =>
        PostActivityAsync(conversation.ServiceUrl, conversation.ConversationId, null, AdaptiveCards.Message(AdaptiveCards.Card(reply)), cancellationToken);

    /// <summary>Answers a message in its conversation (the Bot Framework reply: POST .../activities/{replyToId}).</summary>
    public Task<Delivery> ReplyAsync(string serviceUrl, string conversationId, string? replyToId, JsonObject message, CancellationToken cancellationToken) =>
        PostActivityAsync(serviceUrl, conversationId, replyToId, message, cancellationToken);

    /// <summary>
    /// Graph <c>POST /users/{id}/teamwork/sendActivityNotification</c> through the Graph SDK (its own
    /// retry handler honours 429 and Retry-After). A refusal for good (the app is not installed for
    /// the user, no permission) is not retried; anything else throws and the event is redelivered.
    /// </summary>
    public async Task<Delivery> NotifyFeedAsync(TeamsIdentity person, string activityType, string preview, string topic, CancellationToken cancellationToken)
    {
        var body = new SendActivityNotificationPostRequestBody
        {
            Topic = new TeamworkActivityTopic
            {
                Source = TeamworkActivityTopicSource.Text,
                Value = Clip(topic, 100),
                WebUrl = $"https://teams.microsoft.com/l/entity/{Uri.EscapeDataString(_options.TeamsAppId ?? _options.AppId ?? "app")}/dashboard",
            },
            ActivityType = activityType,
            PreviewText = new ItemBody { Content = Clip(preview, 150) },
            TemplateParameters = [new Microsoft.Graph.Models.KeyValuePair { Name = "topic", Value = Clip(topic, 100) }],
        };
        try
        {
            await Graph.Users[person.ObjectId].Teamwork.SendActivityNotification.PostAsync(body, cancellationToken: cancellationToken);
            return Delivery.Sent;
        }
        catch (ODataError error) when (error.ResponseStatusCode is 400 or 403 or 404)
        {
            _logger.LogWarning("Graph refused the activity notification for {User} with {Status}: {Message}", person.ObjectId, error.ResponseStatusCode, error.Error?.Message);
            return Delivery.Undeliverable;
        }
    }

    /// <summary>One Graph client (SDK clients are singletons), built on first use; the auth provider is told the Graph host so it sends the token.</summary>
    private GraphServiceClient Graph => _graph ??= new GraphServiceClient(
        GraphClientFactory.Create(),
        new AzureIdentityAuthenticationProvider(_credential.Credential, [new Uri(_options.GraphBaseUrl).Host], scopes: [TeamsCredential.GraphScope]),
        _options.GraphBaseUrl);

    private Task<Delivery> PostActivityAsync(string serviceUrl, string conversationId, string? replyToId, JsonObject message, CancellationToken cancellationToken)
    {
        var url = $"{serviceUrl.TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(conversationId)}/activities";
        if (replyToId is not null)
        {
            url += "/" + Uri.EscapeDataString(replyToId);
        }

        return PostAsync(url, message, TeamsCredential.BotScope, conversationId, cancellationToken);
    }

    private async Task<Delivery> PostAsync(string url, JsonObject body, string scope, string rateKey, CancellationToken cancellationToken)
    {
        var json = body.ToJsonString();
        using var response = await _retry.ExecuteAsync(
            async ct =>
            {
                await WaitForSlotAsync(rateKey, ct);

                var token = await _credential.Credential.GetTokenAsync(new TokenRequestContext([scope]), ct);
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(json, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
                return await _http.SendAsync(request, ct);
            },
            cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return Delivery.Sent;
        }

        var status = (int)response.StatusCode;
        if (status is 429 or >= 500 or 401)
        {
            // Still failing after the retries (or our credentials are refused): the event is redelivered later.
            throw new HttpRequestException($"Microsoft Teams answered {status} for {new Uri(url).AbsolutePath}", null, response.StatusCode);
        }

        // 400/403/404: the bot was removed, the user left, or the payload is refused: resending cannot help.
        _logger.LogWarning("Microsoft Teams refused {Path} with {Status}: {Body}", new Uri(url).AbsolutePath, status, Clip(await response.Content.ReadAsStringAsync(cancellationToken), 500));
        return Delivery.Undeliverable;
    }

    private async Task WaitForSlotAsync(string conversationId, CancellationToken cancellationToken)
    {
        for (var wait = _limiter.TryAcquire(conversationId, _time.GetUtcNow()); wait > TimeSpan.Zero; wait = _limiter.TryAcquire(conversationId, _time.GetUtcNow()))
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>The server's Retry-After (seconds or a date) when it sent one; otherwise Polly's exponential back-off.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : delta;
        }

        if (header?.Date is { } date)
        {
            var until = date - DateTimeOffset.UtcNow;
            return until < TimeSpan.Zero ? TimeSpan.Zero : until > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : until;
        }

        return null;
    }

    private static string Clip(string text, int max) => text.Length > max ? text[..(max - 1)] + "…" : text;
}
