using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Host.Local;

/// <summary>Sends one invocation to the handler, as the Functions host would (POST /{FunctionName}).</summary>
internal sealed class FunctionInvoker
{
    public HttpClient? Client { get; set; }

    public async Task<(int Status, string Body)> InvokeAsync(string function, JsonObject payload, CancellationToken cancellationToken)
    {
        var client = Client ?? throw new InvalidOperationException("the local functions host has no handler address yet");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function)
        {
            // Written to the connection as it is serialised: a batch of a hundred events as one
            // string would be a large-object allocation per invocation.
            Content = JsonContent.Create(payload),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}

/// <summary>Points where the fault-injection suite makes delivery misbehave; none by default.</summary>
internal interface IDeliveryFaults
{
    /// <summary>How many times to deliver this message (1 normally; 2-3 to duplicate).</summary>
    int Copies(string function);

    /// <summary>Called after the handler answered and before the delivery is settled; may throw to lose the answer.</summary>
    void AfterInvoke(string function);

    /// <summary>Called before the change-feed checkpoint is saved; may throw.</summary>
    void BeforeCheckpoint();

    /// <summary>The delivery order of waiting messages (indices); must keep each session's order.</summary>
    IReadOnlyList<int> Order(IReadOnlyList<string?> sessions);
}

internal sealed class NoDeliveryFaults : IDeliveryFaults
{
    public int Copies(string function) => 1;

    public void AfterInvoke(string function)
    {
    }

    public void BeforeCheckpoint()
    {
    }

    public IReadOnlyList<int> Order(IReadOnlyList<string?> sessions) => [.. Enumerable.Range(0, sessions.Count)];
}

/// <summary>
/// LOCAL STAND-IN for the Azure Functions host's non-HTTP triggers on the embedded default. It
/// reads functions/*/function.json and delivers, to the same POST /{FunctionName} endpoints and
/// in the same payload shape: change-feed batches from the store's change log (with a stored
/// checkpoint), Service Bus messages from the local bus (in order per session, at least once,
/// with delivery counts and dead letters), and timer ticks; it routes Service Bus outputs to the
/// local bus. Never used in Azure.
/// </summary>
internal sealed class LocalFunctionsHost(
    IReadOnlyList<FunctionDefinition> functions,
    FunctionInvoker invoker,
    LocalBus bus,
    IStateStore store,
    TimeProvider time,
    IDeliveryFaults faults,
    ILogger<LocalFunctionsHost> logger) : IDisposable
{
    private readonly Dictionary<string, DateTimeOffset> _lastTick = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, HashSet<string>> _suspects = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<FunctionDefinition> _enabled = EnabledOf(functions, logger);

    /// <summary>Messages per invocation of a batched trigger (the Service Bus extension's maxMessageBatchSize, lowered to one commit's worth).</summary>
    public const int MaxBatch = IStateStore.MaxOperationsPerCommit;

    public IReadOnlyList<FunctionDefinition> Functions => functions;

    public void Dispose() => _gate.Dispose();

    /// <summary>One pass over every trigger; returns how many invocations succeeded.</summary>
    public async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var done = 0;
            foreach (var function in _enabled)
            {
                try
                {
                    done += function.TriggerType switch
                    {
                        "cosmosDBTrigger" => await DeliverChangesAsync(function, cancellationToken),
                        "serviceBusTrigger" => await DeliverMessagesAsync(function, cancellationToken),
                        "timerTrigger" => await TickAsync(function, cancellationToken),
                        _ => 0,
                    };
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The host's own bookkeeping failed (settle, checkpoint): what was not
                    // settled is delivered again next round, as the real host would.
                    logger.LogWarning("{Function}: delivery round failed: {Message}", function.Name, ex.Message);
                }
            }

            return done;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs rounds until nothing is left to deliver (tests and the soak use it to settle).</summary>
    public async Task RunUntilQuietAsync(CancellationToken cancellationToken, int maxRounds = 200)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            if (await RunRoundAsync(cancellationToken) == 0 && !await AnyPendingAsync(cancellationToken))
            {
                return;
            }
        }
    }

    private async Task<bool> AnyPendingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PendingAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("checking for pending work failed: {Message}", ex.Message);
            return true;
        }
    }

    public Task<string> PostContactAsync(string body, string? sessionId, string? messageId, CancellationToken cancellationToken) =>
        bus.EnqueueAsync(functions.FirstOrDefault(f => f.Name == "ContactIntake")?.Entity ?? "contacts", body, sessionId, messageId, cancellationToken);

    /// <summary>How far each change-feed function has read: its checkpoint's continuation, null before its first delivery.</summary>
    public async Task<IReadOnlyList<string?>> ChangeFeedPositionsAsync(CancellationToken cancellationToken)
    {
        var positions = new List<string?>();
        foreach (var function in functions.Where(f => f.TriggerType == "cosmosDBTrigger"))
        {
            positions.Add((await store.ReadAsync<Checkpoint>(Partitions.Checkpoints, function.Name, cancellationToken))?.Value.Continuation);
        }

        return positions;
    }

    /// <summary>Whether an enabled function has work waiting (a disabled one's messages wait for it to be enabled, as in Azure).</summary>
    private async Task<bool> PendingAsync(CancellationToken cancellationToken)
    {
        foreach (var function in _enabled.Where(f => f.Entity is not null))
        {
            if ((await bus.PeekAsync(function.Entity!, cancellationToken, max: 1)).Count > 0)
            {
                return true;
            }
        }

        foreach (var function in _enabled.Where(f => f.TriggerType == "cosmosDBTrigger"))
        {
            var checkpoint = await store.ReadAsync<Checkpoint>(Partitions.Checkpoints, function.Name, cancellationToken);
            if ((await store.ReadChangesAsync(checkpoint?.Value.Continuation, 1, cancellationToken)).Changes.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The functions whose triggers run; says once, at start, which are disabled.</summary>
    private static List<FunctionDefinition> EnabledOf(IReadOnlyList<FunctionDefinition> functions, ILogger logger)
    {
        foreach (var function in functions.Where(f => f.IsDisabled))
        {
            logger.LogWarning("{Function} is disabled by its app setting AzureWebJobs.<FunctionName>.Disabled: its trigger is not run", function.Name);
        }

        return [.. functions.Where(f => !f.IsDisabled)];
    }

    private async Task<int> DeliverChangesAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        var checkpoint = await store.ReadAsync<Checkpoint>(Partitions.Checkpoints, function.Name, cancellationToken);
        var page = await store.ReadChangesAsync(checkpoint?.Value.Continuation, 100, cancellationToken);
        if (page.Changes.Count == 0)
        {
            return 0;
        }

        var items = new JsonArray([.. page.Changes.Select(c => (JsonNode)ChangeFeedItems.ToItem(c))]);
        var payload = Payload(function.TriggerBinding, JsonValue.Create(items.ToJsonString())!, new JsonObject());
        if (!(await InvokeAndRouteAsync(function, payload, cancellationToken)).Ok)
        {
            return 0;
        }

        faults.BeforeCheckpoint();
        var next = StateStoreExtensions.Put(function.Name, Kinds.Checkpoint, new Checkpoint(function.Name, page.Continuation), checkpoint?.ETag);
        await store.CommitAsync(Partitions.Checkpoints, cancellationToken, next);
        return 1;
    }

    private async Task<int> DeliverMessagesAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        var entity = function.Entity!;
        var waiting = await bus.PeekAsync(entity, cancellationToken);
        if (function.IsBatched && !function.IsSessionsEnabled)
        {
            return await DeliverBatchesAsync(function, [.. faults.Order([.. waiting.Select(w => w.Message.SessionId)]).Select(i => waiting[i])], cancellationToken);
        }

        var delivered = 0;
        var blockedSessions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (documentId, _, message) in faults.Order([.. waiting.Select(w => w.Message.SessionId)]).Select(i => waiting[i]))
        {
            // Per-session order: a session whose earlier message failed waits for it.
            if (message.SessionId is { } session && blockedSessions.Contains(session))
            {
                continue;
            }

            var metadata = new JsonObject
            {
                ["MessageId"] = JsonSerializer.Serialize(message.MessageId),
                ["DeliveryCount"] = (message.DeliveryCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["EnqueuedTimeUtc"] = JsonSerializer.Serialize(message.EnqueuedAt.UtcDateTime),
            };
            if (message.SessionId is not null)
            {
                metadata["SessionId"] = JsonSerializer.Serialize(message.SessionId);
            }

            var payload = Payload(function.TriggerBinding, JsonValue.Create(message.Body)!, metadata);
            var (ok, reason) = await InvokeAndRouteAsync(function, payload, cancellationToken);

            try
            {
                if (ok)
                {
                    await bus.CompleteAsync(entity, documentId, cancellationToken);
                    delivered++;
                    continue;
                }

                await bus.AbandonAsync(entity, documentId, message, reason, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not settled: the message stays and is delivered again (at least once).
                logger.LogWarning("{Entity}: settling {MessageId} failed: {Message}", entity, message.MessageId, ex.Message);
            }

            if (message.SessionId is not null)
            {
                blockedSessions.Add(message.SessionId);
            }
        }

        return delivered;
    }

    /// <summary>
    /// A batched trigger (<c>"cardinality": "many"</c>): up to <see cref="MaxBatch"/> messages per
    /// invocation, as arrays in the payload and its metadata; settled together, as the Functions
    /// host settles a batch: all completed when the function succeeds, all abandoned when it fails.
    /// </summary>
    private async Task<int> DeliverBatchesAsync(
        FunctionDefinition function, IReadOnlyList<(string DocumentId, string ETag, LocalMessage Message)> waiting, CancellationToken cancellationToken)
    {
        var entity = function.Entity!;
        var delivered = 0;

        // The messages of a failed batch go one at a time until each succeeds, so a failing
        // message costs its batch-mates one delivery attempt, not ten, and reaches the dead
        // letters alone. Messages that were never in a failed batch keep going in batches.
        var suspects = _suspects.TryGetValue(entity, out var known) ? known : _suspects[entity] = new HashSet<string>(StringComparer.Ordinal);
        suspects.IntersectWith(waiting.Select(w => w.DocumentId));
        for (var next = 0; next < waiting.Count;)
        {
            var batch = suspects.Contains(waiting[next].DocumentId)
                ? [waiting[next]]
                : waiting.Skip(next).Take(MaxBatch).TakeWhile(w => !suspects.Contains(w.DocumentId)).ToArray();
            next += batch.Length;
            var metadata = new JsonObject
            {
                ["MessageIdArray"] = new JsonArray([.. batch.Select(b => JsonValue.Create(b.Message.MessageId))]),
                ["DeliveryCountArray"] = new JsonArray([.. batch.Select(b => JsonValue.Create(b.Message.DeliveryCount + 1))]),
                ["EnqueuedTimeUtcArray"] = new JsonArray([.. batch.Select(b => JsonValue.Create(b.Message.EnqueuedAt.UtcDateTime))]),
            };
            var payload = Payload(function.TriggerBinding, new JsonArray([.. batch.Select(b => JsonValue.Create(b.Message.Body))]), metadata);
            var (ok, reason) = await InvokeAndRouteAsync(function, payload, cancellationToken);
            try
            {
                if (ok)
                {
                    await bus.CompleteManyAsync(entity, [.. batch.Select(b => b.DocumentId)], cancellationToken);
                    suspects.ExceptWith(batch.Select(b => b.DocumentId));
                    delivered++;
                    continue;
                }

                suspects.UnionWith(batch.Select(b => b.DocumentId));
                foreach (var (documentId, _, message) in batch)
                {
                    await bus.AbandonAsync(entity, documentId, message, reason, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not settled: the messages stay and are delivered again (at least once).
                logger.LogWarning("{Entity}: settling a batch of {Count} failed: {Message}", entity, batch.Length, ex.Message);
            }

            // Later batches wait for the next round, so a failed batch keeps its place in the order.
            break;
        }

        return delivered;
    }

    private async Task<int> TickAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastTick.TryGetValue(function.Name, out var last) && now - last < function.Period)
        {
            return 0;
        }

        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = false },
            ["ScheduleStatus"] = new JsonObject { ["Last"] = last == default ? null : last.ToString("O"), ["Next"] = (now + function.Period).ToString("O"), ["LastUpdated"] = now.ToString("O") },
            ["IsPastDue"] = last != default && now - last > function.Period * 2,
        };
        if (!(await InvokeAndRouteAsync(function, Payload(function.TriggerBinding, timer, new JsonObject()), cancellationToken)).Ok)
        {
            return 0;
        }

        _lastTick[function.Name] = now;
        return 0;
    }

    /// <summary>One delivery (more than one copy when the fault suite duplicates it); fails at the first failed copy.</summary>
    private async Task<(bool Ok, string Reason)> InvokeAndRouteAsync(FunctionDefinition function, JsonObject payload, CancellationToken cancellationToken)
    {
        var copies = Math.Max(1, faults.Copies(function.Name));
        for (var copy = 0; copy < copies; copy++)
        {
            var (ok, reason) = await TryInvokeAsync(function, payload, cancellationToken);
            if (!ok)
            {
                return (false, reason);
            }
        }

        return (true, "");
    }

    private async Task<(bool Ok, string Reason)> TryInvokeAsync(FunctionDefinition function, JsonObject payload, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await invoker.InvokeAsync(function.Name, payload, cancellationToken);
            if (status is < 200 or > 299)
            {
                logger.LogWarning("{Function} failed with {Status}: {Body}", function.Name, status, body);
                return (false, $"{function.Name} answered {status}: {Truncate(body)}");
            }

            foreach (var line in ReadLogs(body))
            {
                logger.LogInformation("{Function}: {Line}", function.Name, line);
            }

            await RouteOutputsAsync(function, body, cancellationToken);
            faults.AfterInvoke(function.Name);
            return (true, "");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Function} invocation failed: {Message}", function.Name, ex.Message);
            return (false, $"{function.Name} failed: {ex.Message}");
        }
    }

    /// <summary>Service Bus outputs: an array is one message per element; a topic fans out to its subscriptions.</summary>
    private async Task RouteOutputsAsync(FunctionDefinition function, string body, CancellationToken cancellationToken)
    {
        if (function.Outputs.Count == 0)
        {
            return;
        }

        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("Outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var binding in function.Outputs.Where(o => o.Type == "serviceBus"))
        {
            if (!outputs.TryGetProperty(binding.Name, out var value))
            {
                continue;
            }

            List<string> messages = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(m => m.GetRawText())] : [value.GetRawText()];
            var entities = binding.QueueName is { } queue
                ? [queue]
                : functions.Where(f => f.TopicName == binding.TopicName).Select(f => f.Entity!).ToList();
            foreach (var entity in entities)
            {
                await bus.EnqueueManyAsync(entity, messages, cancellationToken);
            }
        }
    }

    private static JsonObject Payload(string binding, JsonNode data, JsonObject metadata) => new()
    {
        ["Data"] = new JsonObject { [binding] = data },
        ["Metadata"] = metadata,
    };

    private static IEnumerable<string> ReadLogs(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("Logs", out var logs) && logs.ValueKind == JsonValueKind.Array
            ? [.. logs.EnumerateArray().Select(l => l.GetString() ?? "")]
            : [];
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
