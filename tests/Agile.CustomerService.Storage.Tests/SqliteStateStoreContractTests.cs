using Agile.CustomerService.Storage.Tests.Contract;

namespace Agile.CustomerService.Storage.Tests;

public sealed class SqliteStateStoreContractTests(SqliteStoreFixture fixture)
    : StateStoreContractTests<SqliteStoreFixture>(fixture);
