namespace Agile.CustomerService.Api.Tests;

public class OpenApiTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose()
    {
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheCaseAndTeamEndpoints()
    {
        var document = await TestApp.Json(await _app.Client.GetAsync("/api/openapi/v1.json"));

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/contacts", out _));
        Assert.True(paths.TryGetProperty("/api/cases/{caseId}/accept", out _));
        Assert.True(paths.TryGetProperty("/api/teams/{teamId}/board", out _));
        Assert.True(paths.TryGetProperty("/api/customers/{customerId}/owner", out _));
    }
}
