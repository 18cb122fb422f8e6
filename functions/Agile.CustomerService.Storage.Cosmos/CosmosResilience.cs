using System.Diagnostics;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Agile.CustomerService.Storage.Cosmos;

/// <summary>A Cosmos DB answer that may pass if asked again (throttled, unavailable, timed out).</summary>
internal sealed class TransientCosmosException(string message, HttpStatusCode? status, TimeSpan? retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Retries what is retryable and nothing else. The SDK's own 429 retries stay on (few, short); this
/// pipeline sits above every handler of the client, so it also sees what a fault-injecting
/// <see cref="RequestHandler"/> answers. A throttled or timed-out request is retried after the
/// server's retry-after (or an exponential back-off with jitter); what still fails surfaces as
/// <see cref="Agile.CustomerService.Application.Storage.StoreUnavailableException"/>.
/// </summary>
internal static class CosmosResilience
{
    public static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or 449 or 503;

    public static ResiliencePipeline Create(CosmosStoreOptions options, ILogger logger) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
            {
                TransientCosmosException => true,
                HttpRequestException => true,
                OperationCanceledException => !args.Context.CancellationToken.IsCancellationRequested,
                _ => false,
            }),
            MaxRetryAttempts = Math.Max(0, options.MaxRetryAttempts),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = TimeSpan.FromSeconds(5),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is TransientCosmosException { RetryAfter: { } after } && after > TimeSpan.Zero
                    ? after
                    : (TimeSpan?)null),
            OnRetry = args =>
            {
                CosmosMetrics.Retries.Add(1);
                logger.LogInformation(
                    "Retrying a Cosmos DB request in {DelayMs} ms (attempt {Attempt}): {Reason}",
                    args.RetryDelay.TotalMilliseconds,
                    args.AttemptNumber + 1,
                    args.Outcome.Exception?.Message);
                return default;
            },
        })
        .Build();

    /// <summary>Throws for a failed response: transient statuses as retryable, the rest as the SDK's exception.</summary>
    public static void EnsureSuccess(ResponseMessage response, string operation)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        if (IsTransient(response.StatusCode))
        {
            throw new TransientCosmosException(
                $"Cosmos DB {operation}: {(int)response.StatusCode} {response.StatusCode} ({response.ErrorMessage})",
                response.StatusCode,
                RetryAfter(response.Headers));
        }

        response.EnsureSuccessStatusCode();
    }

    /// <summary>The server's x-ms-retry-after-ms, if it sent one.</summary>
    public static TimeSpan? RetryAfter(Headers headers) =>
        double.TryParse(headers["x-ms-retry-after-ms"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    public static TransientCosmosException Transient(TransactionalBatchResponse response) => new(
        $"Cosmos DB commit: {(int)response.StatusCode} {response.StatusCode} ({response.ErrorMessage})",
        response.StatusCode,
        response.RetryAfter);

    public static double Milliseconds(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
