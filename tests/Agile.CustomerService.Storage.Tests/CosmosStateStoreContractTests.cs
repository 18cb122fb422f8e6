using Agile.CustomerService.Storage.Tests.Cosmos;

namespace Agile.CustomerService.Storage.Tests;

public sealed class CosmosStateStoreContractTests(CosmosStoreFixture fixture)
    : Contract.StateStoreContractTests<CosmosStoreFixture>(fixture);
