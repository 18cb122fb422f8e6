using System.Net;
using System.Text;
using System.Text.Json;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Host.Local;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// The local functions host's batched Service Bus delivery (<c>"cardinality": "many"</c>), against
/// a function endpoint of ours that records what it is handed and fails on demand.
/// </summary>
public sealed class LocalDeliveryTests : IDisposable
{
    private const string Entity = "case-events/board-projection";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"acs-delivery-{Guid.NewGuid():N}.db");
    private readonly SqliteStateStore _store;
    private readonly LocalBus _bus;
    private readonly RecordingFunction _function = new();
    private readonly LocalFunctionsHost _host;

    public LocalDeliveryTests()
    {
        _store = new SqliteStateStore(_path, TimeProvider.System);
        _bus = new LocalBus(_store, TimeProvider.System);
        var subscriber = new FunctionDefinition(
            "BoardProjection", "serviceBusTrigger", "message", null, "case-events", "board-projection", false, null, [], IsBatched: true);
        var invoker = new FunctionInvoker { Client = new HttpClient(_function) { BaseAddress = new Uri("http://127.0.0.1/") } };
        _host = new LocalFunctionsHost([subscriber], invoker, _bus, _store, TimeProvider.System, new NoDeliveryFaults(), NullLogger<LocalFunctionsHost>.Instance);
    }

    public void Dispose()
    {
        _host.Dispose();
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task BatchedTrigger_150Messages_TwoInvocationsInEnqueueOrderAndTheQueueIsEmpty()
    {
        var bodies = Enumerable.Range(1, 150).Select(i => Message($"e{i}")).ToList();
        await _bus.EnqueueManyAsync(Entity, bodies, CancellationToken.None);

        await _host.RunUntilQuietAsync(CancellationToken.None);

        Assert.Equal([100, 50], _function.Invocations.Select(i => i.Count));
        Assert.Equal(bodies.Select(Id), _function.Invocations.SelectMany(i => i));
        Assert.Empty(await _bus.PeekAsync(Entity, CancellationToken.None));
    }

    [Fact]
    public async Task BatchedTrigger_OneMessageAlwaysFails_OnlyThatMessageIsDeadLetteredAndTheRestAreDelivered()
    {
        _function.FailOn = "poison";
        List<string> bodies = [Message("e1"), Message("e2"), Message("poison"), Message("e4"), Message("e5")];
        await _bus.EnqueueManyAsync(Entity, bodies, CancellationToken.None);

        await _host.RunUntilQuietAsync(CancellationToken.None);

        var letter = Assert.Single(await _bus.DeadLettersAsync(CancellationToken.None));
        Assert.Contains("poison", letter.Body, StringComparison.Ordinal);
        Assert.Equal(LocalBus.MaxDeliveryCount, letter.Attempts);
        var delivered = _function.Invocations.Where(i => !i.Contains("poison")).SelectMany(i => i).ToList();
        Assert.Equal(["e1", "e2", "e4", "e5"], delivered);
        // The batch once, then alone: e1, e2, the failing message until its tenth attempt, e4, e5.
        Assert.Equal(1 + 2 + (LocalBus.MaxDeliveryCount - 1) + 2, _function.Invocations.Count);
        Assert.Empty(await _bus.PeekAsync(Entity, CancellationToken.None));
    }

    [Fact]
    public async Task BatchedTrigger_MessagesAfterAFailedOne_StillGoInBatches()
    {
        _function.FailOn = "poison";
        await _bus.EnqueueManyAsync(Entity, [Message("poison")], CancellationToken.None);
        await _host.RunUntilQuietAsync(CancellationToken.None);
        _function.Invocations.Clear();

        await _bus.EnqueueManyAsync(Entity, [.. Enumerable.Range(1, 120).Select(i => Message($"later{i}"))], CancellationToken.None);
        await _host.RunUntilQuietAsync(CancellationToken.None);

        Assert.Equal([100, 20], _function.Invocations.Select(i => i.Count));
    }

    [Fact]
    public async Task Peek_BacklogLongerThanOneWindow_ReadsOnlyTheOldestWindowInEnqueueOrder()
    {
        var bodies = Enumerable.Range(1, LocalBus.PeekWindow + 30).Select(i => Message($"e{i}")).ToList();
        await _bus.EnqueueManyAsync(Entity, bodies, CancellationToken.None);

        var peeked = await _bus.PeekAsync(Entity, CancellationToken.None);

        Assert.InRange(peeked.Count, 1, LocalBus.PeekWindow);
        Assert.Equal(bodies.Take(peeked.Count).Select(Id), peeked.Select(p => Id(p.Message.Body)));
    }

    [Fact]
    public async Task BatchedTrigger_BacklogOfSeveralWindows_EveryMessageDeliveredOnceInEnqueueOrder()
    {
        var bodies = Enumerable.Range(1, (2 * LocalBus.PeekWindow) + 50).Select(i => Message($"e{i}")).ToList();
        foreach (var chunk in bodies.Chunk(70))
        {
            await _bus.EnqueueManyAsync(Entity, chunk, CancellationToken.None);
        }

        await _host.RunUntilQuietAsync(CancellationToken.None);

        Assert.Equal(bodies.Select(Id), _function.Invocations.SelectMany(i => i));
        Assert.Empty(await _bus.PeekAsync(Entity, CancellationToken.None));
    }

    [Fact]
    public async Task BatchedTrigger_MessageStoredWithoutAPlaceInLine_IsStillDeliveredInOrder()
    {
        // As the bus stored messages before 2026-12-06: no due time.
        var old = new LocalMessage("old", null, Message("old"), DateTimeOffset.UtcNow, 0);
        await _store.CommitAsync(
            Partitions.LocalQueue(Entity),
            [new PutDocument($"m:{1:D20}:old", Kinds.Message, JsonSerializer.Serialize(old, Json.Options), null)],
            [],
            CancellationToken.None);
        await _bus.EnqueueManyAsync(Entity, [Message("new")], CancellationToken.None);

        await _host.RunUntilQuietAsync(CancellationToken.None);

        Assert.Equal(["old", "new"], _function.Invocations.SelectMany(i => i));
    }

    [Fact]
    public async Task DisabledTrigger_IsNotRunAndItsMessagesWaitForIt()
    {
        var disabled = new FunctionDefinition(
            "BoardProjection", "serviceBusTrigger", "message", null, "case-events", "board-projection", false, null, [], IsBatched: true, IsDisabled: true);
        using var host = new LocalFunctionsHost(
            [disabled], new FunctionInvoker { Client = new HttpClient(_function) { BaseAddress = new Uri("http://127.0.0.1/") } },
            _bus, _store, TimeProvider.System, new NoDeliveryFaults(), NullLogger<LocalFunctionsHost>.Instance);
        await _bus.EnqueueManyAsync(Entity, [Message("e1"), Message("e2")], CancellationToken.None);

        var invoked = await host.RunRoundAsync(CancellationToken.None);
        await host.RunUntilQuietAsync(CancellationToken.None, maxRounds: 3);

        Assert.Equal(0, invoked);
        Assert.Empty(_function.Invocations);
        Assert.Equal(2, (await _bus.PeekAsync(Entity, CancellationToken.None)).Count);
    }

    private static string Message(string id) => JsonSerializer.Serialize(new { eventId = id });

    private static string Id(string body) => JsonDocument.Parse(body).RootElement.GetProperty("eventId").GetString()!;

    /// <summary>A function endpoint: records each invocation's event ids; answers 500 when one of them is <see cref="FailOn"/>.</summary>
    private sealed class RecordingFunction : HttpMessageHandler
    {
        public List<List<string>> Invocations { get; } = [];

        public string? FailOn { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/BoardProjection", request.RequestUri!.AbsolutePath);
            using var payload = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            var messages = payload.RootElement.GetProperty("Data").GetProperty("message");
            Assert.Equal(JsonValueKind.Array, messages.ValueKind);
            var ids = messages.EnumerateArray().Select(m => Id(m.GetString()!)).ToList();
            var metadata = payload.RootElement.GetProperty("Metadata");
            Assert.Equal(ids.Count, metadata.GetProperty("MessageIdArray").GetArrayLength());
            Assert.Equal(ids.Count, metadata.GetProperty("DeliveryCountArray").GetArrayLength());
            Invocations.Add(ids);
            return FailOn is not null && ids.Contains(FailOn)
                ? new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("failed") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"Outputs":{},"Logs":[]}""", Encoding.UTF8, "application/json") };
        }
    }
}
