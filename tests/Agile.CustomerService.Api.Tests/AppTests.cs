namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// A test class with an app of its own for each test: on the embedded store, unless a derived
/// class passes another (the Cosmos DB classes in CosmosFlowTests.cs).
/// </summary>
public abstract class AppTests(TestApp app) : IDisposable
{
    protected TestApp App { get; } = app;

    public void Dispose()
    {
        App.Dispose();
        GC.SuppressFinalize(this);
    }
}
