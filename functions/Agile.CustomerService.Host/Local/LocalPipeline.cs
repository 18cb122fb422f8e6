using Agile.CustomerService.Host.Security;
using System.Threading.Channels;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Agile.CustomerService.Host.Local;

/// <summary>Wakes the local runner right after a commit (coalesced: one pending wake-up at most).</summary>
internal sealed class LocalChangeSignal : IChangeNotifier
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Runs the local functions host in the background of a local run (Pipeline:RunLocally).</summary>
internal sealed class LocalTriggerLoop(
    LocalFunctionsHost functions,
    FunctionInvoker invoker,
    LocalChangeSignal signal,
    LocalHousekeeping housekeeping,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<LocalTriggerLoop> logger) : BackgroundService
{
    private static readonly TimeSpan PurgePeriod = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StoreWork.MarkBackground();
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        if (invoker.Client is null)
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? HostSetup.DefaultUrl;
            invoker.Client = new HttpClient { BaseAddress = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)) };
        }

        logger.LogInformation("Local functions host: {Functions}", string.Join(", ", functions.Functions.Select(f => $"{f.Name} ({f.TriggerType})")));
        var lastPurge = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(250), stoppingToken);
                while (await functions.RunRoundAsync(stoppingToken) > 0)
                {
                }

                if (DateTimeOffset.UtcNow - lastPurge >= PurgePeriod)
                {
                    lastPurge = DateTimeOffset.UtcNow;
                    await housekeeping.RunAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "local functions host round failed; retrying");
            }
        }
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var stopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}

internal sealed record LocalContactAccepted(string MessageId, string Queue);

/// <summary>Endpoints of the local stand-ins: post a contact to the local queue, read the dead letters.</summary>
internal static class LocalEndpoints
{
    public static void MapLocalEndpoints(this IEndpointRouteBuilder app)
    {
        var local = app.MapGroup("/api/local").WithTags("Local stand-ins");
        local.MapPost("/contacts", async (HttpRequest request, LocalFunctionsHost functions, LocalChangeSignal signal, CancellationToken ct) =>
            {
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync(ct);
                string? sessionId = null;
                string? messageId = null;
                try
                {
                    using var json = System.Text.Json.JsonDocument.Parse(body);
                    if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                    {
                        return Http.HttpResults.BadRequest("the contact must be a JSON object");
                    }

                    sessionId = json.RootElement.TryGetProperty("customerId", out var c) ? c.GetString() : null;
                    messageId = json.RootElement.TryGetProperty("contactId", out var m) ? m.GetString() : null;
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
                {
                    return Http.HttpResults.BadRequest($"malformed JSON body: {ex.Message}");
                }

                var id = await functions.PostContactAsync(body, sessionId, messageId, ct);
                signal.Notify();
                return Results.Accepted(value: new LocalContactAccepted(id, "contacts"));
            })
            .WithSummary("Post a contact to the local 'contacts' queue, as a telephony, chat or e-mail channel would (session = customer id)")
            .AllowRoles(Security.Roles.ContactSource, Security.Roles.Admin);

        local.MapGet("/deadletters", async (LocalBus bus, CancellationToken ct) => Http.HttpResults.Json(await bus.DeadLettersAsync(ct)))
            .WithSummary("Messages that were not processed, with the reason")
            .AllowRoles(Security.Roles.Admin);
    }
}
