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
