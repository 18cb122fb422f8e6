using Agile.CustomerService.Application.Scheduling;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agile.CustomerService.Integrations.Graph;

/// <summary>Registers the Teams Shifts adapter when <c>Graph:Enabled</c> is true: managed identity in Azure, the SDK client a singleton.</summary>
public static class GraphSetup
{
    public const string DefaultBaseUrl = "https://graph.microsoft.com/v1.0";

    public static void AddTeamsShifts(IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetValue("Graph:Enabled", false))
        {
            return;
        }

        services.AddSingleton(_ => GraphTeamsShifts.CreateClient(
            new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = configuration["AZURE_CLIENT_ID"] }),
            new Uri(configuration["Graph:BaseUrl"] ?? DefaultBaseUrl)));
        services.AddSingleton<ITeamsShifts, GraphTeamsShifts>();
    }
}
