namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// The spine's flows of <see cref="RoutingFlowTests"/>, every one, on the Cosmos DB adapter
/// against the local server: the API and the local functions host over Cosmos DB instead of the
/// embedded store (point reads, transactional batches, the change feed, ETags).
/// </summary>
public sealed class CosmosRoutingFlowTests : RoutingFlowTests
{
    public CosmosRoutingFlowTests()
        : base(TestApp.OnCosmos())
    {
    }

    protected override TestApp NewApp(params (string Key, string Value)[] settings) => TestApp.OnCosmos(settings);
}

/// <summary>
/// <see cref="IdempotencyTests"/>, every one, on the Cosmos DB adapter against the local server:
/// a repeated command answers as the first and writes nothing (every item and its ETag compared).
/// </summary>
public sealed class CosmosIdempotencyTests : IdempotencyTests
{
    public CosmosIdempotencyTests()
        : base(TestApp.OnCosmos())
    {
    }

    [Fact]
    public async Task Fingerprint_OnCosmos_SeesTheSeedAndChangesWithEveryWrite()
    {
        using var app = TestApp.OnCosmos();
        var seeded = app.Fingerprint();

        await app.IntakeAsync("cust-00007");
        var afterIntake = app.Fingerprint();

        Assert.True(seeded.Documents > 200, $"{seeded.Documents} items after seeding 200 customers");
        Assert.True(afterIntake.Documents > seeded.Documents);
        Assert.NotEqual(seeded.Versions, afterIntake.Versions);
    }
}

/// <summary>
/// <see cref="BadInputTests"/>, every one, on the Cosmos DB adapter against the local server: bad
/// input answers a ProblemDetails 4xx and leaves every item and its ETag as they were.
/// </summary>
public sealed class CosmosBadInputTests : BadInputTests
{
    public CosmosBadInputTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosAuthorityTests : AuthorityTests
{
    public CosmosAuthorityTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosQualityTests : QualityTests
{
    public CosmosQualityTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosRetroApiTests : RetroApiTests
{
    public CosmosRetroApiTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosSchedulingTests : SchedulingTests
{
    public CosmosSchedulingTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosMetricsApiTests : MetricsApiTests
{
    public CosmosMetricsApiTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosPilotApiTests : PilotApiTests
{
    public CosmosPilotApiTests()
        : base(TestApp.OnCosmos())
    {
    }
}

public sealed class CosmosTeamLeadsTests : TeamLeadsTests
{
    public CosmosTeamLeadsTests()
        : base(TestApp.OnCosmos())
    {
    }
}
