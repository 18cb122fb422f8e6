using Agile.CustomerService.Application.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Storage.Tests.Contract;

/// <summary>One store per test class, with the clock the store reads.</summary>
public interface IStoreFixture : IAsyncLifetime
{
    IStateStore Store { get; }

    FakeTimeProvider Time { get; }
}
