using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>No keys anywhere: local auth is off on every data service and nothing hands out a secret.</summary>
public sealed class SecurityTests(CompiledMain main)
{
    private static readonly string[] SecretFragments =
    [
        "AccountKey",
        "SharedAccessKey",
        "listKeys(",
        "listConnectionStrings(",
        "listAccountSas(",
        "listServiceSas(",
        "listSecrets(",
        "primaryMasterKey",
        "primaryConnectionString",
        "secondaryConnectionString",
    ];

    private static readonly string[] ListFunctions =
        ["listKeys(", "listConnectionStrings(", "listAccountSas(", "listServiceSas(", "listSecrets(", "listCredentials("];

    [Fact]
    public void CosmosAccount_LocalAuth_IsDisabled()
    {
        var account = main.Template.SingleOfType("Microsoft.DocumentDB/databaseAccounts");

        var disableLocalAuth = account.GetBool("properties.disableLocalAuth");

        Assert.True(disableLocalAuth, "Cosmos DB must reject account keys (disableLocalAuth).");
        Assert.True(account.GetBool("properties.disableKeyBasedMetadataWriteAccess"));
    }

    [Fact]
    public void ServiceBusNamespace_LocalAuth_IsDisabled()
    {
        var serviceBus = main.Template.SingleOfType("Microsoft.ServiceBus/namespaces");

        var disableLocalAuth = serviceBus.GetBool("properties.disableLocalAuth");

        Assert.True(disableLocalAuth, "Service Bus must reject SAS keys (disableLocalAuth).");
        Assert.Equal("1.2", serviceBus.GetString("properties.minimumTlsVersion"));
    }

    [Fact]
    public void StorageAccount_SharedKeyAccess_IsDisabled()
    {
        var storage = main.Template.SingleOfType("Microsoft.Storage/storageAccounts");

        var allowSharedKeyAccess = storage.GetBool("properties.allowSharedKeyAccess");

        Assert.False(allowSharedKeyAccess, "Storage must reject shared keys (allowSharedKeyAccess false).");
        Assert.Equal("TLS1_2", storage.GetString("properties.minimumTlsVersion"));
        Assert.False(storage.GetBool("properties.allowBlobPublicAccess"));
    }

    [Fact]
    public void ApplicationInsights_LocalAuth_IsDisabledAndWorkspaceBased()
    {
        var appInsights = main.Template.SingleOfType("Microsoft.Insights/components");

        var disableLocalAuth = appInsights.GetBool("properties.DisableLocalAuth");

        Assert.True(disableLocalAuth, "Application Insights must accept Entra-authenticated telemetry only.");
        Assert.Contains(
            "Microsoft.OperationalInsights/workspaces",
            appInsights.GetString("properties.WorkspaceResourceId") ?? string.Empty,
            StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_Transport_IsHttpsOnlyWithTls12()
    {
        var site = main.Template.SingleOfType("Microsoft.Web/sites");

        var httpsOnly = site.GetBool("properties.httpsOnly");

        Assert.True(httpsOnly, "The Function App must redirect HTTP to HTTPS (httpsOnly).");
        Assert.Equal("1.2", site.GetString("properties.siteConfig.minTlsVersion"));
        Assert.Equal("Disabled", site.GetString("properties.siteConfig.ftpsState"));
    }

    [Fact]
    public void FunctionApp_BasicPublishingCredentials_AreOffForFtpAndScm()
    {
        var policies = main.Template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        var allowedByPolicy = policies.ToDictionary(policy => policy.LeafName ?? policy.Name, policy => policy.GetBool("properties.allow"));

        Assert.Equal(false, allowedByPolicy.GetValueOrDefault("ftp", true));
        Assert.Equal(false, allowedByPolicy.GetValueOrDefault("scm", true));
    }

    [Fact]
    public void AppSettingsAndOutputs_Values_HoldNoKeyOrKeyedConnectionString()
    {
        var values = main.AppSettings.Select(setting => (Where: $"app setting {setting.Key}", Value: setting.Value))
            .Concat(main.Template.Scopes.SelectMany(scope => scope.Outputs.Select(output =>
                (Where: $"output {scope.Name}.{output.Key}", Value: output.Value.TryGetProperty("value", out var value)
                    ? scope.Resolve(value).ToString()
                    : output.Value.ToString()))))
            .ToList();

        var leaks = values
            .Where(entry => SecretFragments.Any(fragment => entry.Value.Contains(fragment, StringComparison.OrdinalIgnoreCase)))
            .Select(entry => $"{entry.Where} = {entry.Value}")
            .ToList();

        Assert.NotEmpty(values);
        Assert.Empty(leaks);
    }

    [Fact]
    public void CompiledTemplate_Anywhere_CallsNoListFunction()
    {
        var json = main.Template.Json;

        var calls = ListFunctions.Where(function => json.Contains(function, StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.Empty(calls);
    }

    [Fact]
    public void SecureOutputs_InAnyTemplate_AreAbsent()
    {
        var outputs = main.Template.Scopes.SelectMany(scope => scope.Outputs).ToList();

        var secureOutputs = outputs
            .Where(output => output.Value.TryGetProperty("type", out var type)
                && type.GetString() is "securestring" or "secureObject" or "secureobject")
            .Select(output => output.Key)
            .ToList();

        Assert.NotEmpty(outputs);
        Assert.Empty(secureOutputs);
    }
}
