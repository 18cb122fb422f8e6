using System.Text.Json;
using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>The Function App is a Flex Consumption custom handler configured with identity-based settings only.</summary>
public sealed class HostingTests(CompiledMain main)
{
    private static readonly string[] RequiredAppSettings =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "ServiceBusConnection__fullyQualifiedNamespace",
        "ServiceBusConnection__credential",
        "ServiceBusConnection__clientId",
        "CosmosDbConnection__accountEndpoint",
        "CosmosDbConnection__credential",
        "CosmosDbConnection__clientId",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "AZURE_CLIENT_ID",
        "Store__Provider",
        "Cosmos__AccountEndpoint",
        "Cosmos__Database",
        "Region__Id",
        "Blobs__Provider",
        "Blobs__AccountEndpoint",
        "Auth__TenantId",
        "Auth__ClientId",
        "Auth__DevelopmentTokens",
    ];

    private static readonly string[] SettingsFlexRejects =
        ["FUNCTIONS_WORKER_RUNTIME", "WEBSITE_RUN_FROM_PACKAGE", "FUNCTIONS_EXTENSION_VERSION", "AzureWebJobsStorage"];

    [Fact]
    public void FunctionApp_InAzure_RefusesDevelopmentTokensAndTrustsItsTenant()
    {
        Assert.Equal("false", main.AppSettings["Auth__DevelopmentTokens"]);
        Assert.False(string.IsNullOrWhiteSpace(main.AppSettings["Auth__TenantId"]));
    }

    [Fact]
    public void FunctionApp_Hosting_IsFlexConsumptionLinuxCustomRuntime()
    {
        var plan = main.Template.SingleOfType("Microsoft.Web/serverfarms");
        var site = main.Template.SingleOfType("Microsoft.Web/sites");

        var runtime = (site.GetString("properties.functionAppConfig.runtime.name"), site.GetString("properties.functionAppConfig.runtime.version"));

        Assert.Equal(("custom", "1.0"), runtime);
        Assert.Equal("FC1", plan.GetString("sku.name"));
        Assert.Equal("FlexConsumption", plan.GetString("sku.tier"));
        Assert.True(plan.GetBool("properties.reserved"), "A Flex Consumption plan is Linux (reserved true).");
        Assert.Equal("functionapp,linux", site.GetString("kind"));
    }

    [Fact]
    public void FunctionApp_DeploymentStorage_UsesPilotIdentity()
    {
        var site = main.Template.SingleOfType("Microsoft.Web/sites");

        var storage = site.Get("properties.functionAppConfig.deployment.storage");

        Assert.NotNull(storage);
        Assert.Equal("blobContainer", site.GetString("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", site.GetString("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal(
            main.Template.IdentityResourceIdExpression,
            site.GetString("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
        Assert.Equal("UserAssigned", site.GetString("identity.type"));
    }

    [Fact]
    public void FunctionApp_AppSettings_HoldEveryIdentityBasedSetting()
    {
        var settings = main.AppSettings;

        var missing = RequiredAppSettings.Where(name => !settings.ContainsKey(name)).ToList();

        Assert.Empty(missing);
        Assert.All(
            settings.Where(setting => setting.Key.EndsWith("__credential", StringComparison.Ordinal)),
            setting => Assert.Equal("managedidentity", setting.Value));
        Assert.All(
            settings.Where(setting => setting.Key.EndsWith("__clientId", StringComparison.Ordinal) || setting.Key == "AZURE_CLIENT_ID"),
            setting => Assert.True(main.Template.IsIdentityProperty(setting.Value, "clientId"), $"{setting.Key} = {setting.Value}"));
    }

    [Fact]
    public void FunctionApp_AppSettings_PointAtThePilotsResources()
    {
        var settings = main.AppSettings;

        var storageAccountName = main.Template.SingleOfType("Microsoft.Storage/storageAccounts").GetString("name");

        Assert.Equal(storageAccountName, settings["AzureWebJobsStorage__accountName"]);
        Assert.Contains("'Microsoft.ServiceBus/namespaces'", settings["ServiceBusConnection__fullyQualifiedNamespace"], StringComparison.Ordinal);
        Assert.Contains("'Microsoft.DocumentDB/databaseAccounts'", settings["CosmosDbConnection__accountEndpoint"], StringComparison.Ordinal);
        Assert.Equal(settings["CosmosDbConnection__accountEndpoint"], settings["Cosmos__AccountEndpoint"]);
        Assert.Equal("agilecs", settings["Cosmos__Database"]);
        Assert.Equal("cosmos", settings["Store__Provider"]);
        Assert.Equal("[parameters('regionId')]", settings["Region__Id"]);
        Assert.Contains("'Microsoft.Insights/components'", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.True(main.Template.IsIdentityProperty(SiteParameter("identityClientId"), "clientId"));
    }

    [Fact]
    public void FunctionApp_AppSettings_OmitSettingsFlexConsumptionRejects()
    {
        var settings = main.AppSettings;

        var present = SettingsFlexRejects.Where(settings.ContainsKey).ToList();

        Assert.NotEmpty(settings);
        Assert.Empty(present);
    }

    [Fact]
    public void Bot_Authentication_UsesPilotUserAssignedIdentity()
    {
        var bot = main.Template.SingleOfType("Microsoft.BotService/botServices");

        var appType = bot.GetString("properties.msaAppType");

        Assert.Equal("UserAssignedMSI", appType);
        Assert.True(main.Template.IsIdentityProperty(bot.GetString("properties.msaAppId"), "clientId"), bot.GetString("properties.msaAppId"));
        Assert.Equal(main.Template.IdentityResourceIdExpression, bot.GetString("properties.msaAppMSIResourceId"));
        Assert.Equal("[tenant().tenantId]", bot.GetString("properties.msaAppTenantId"));
        Assert.Equal("azurebot", bot.GetString("kind"));
    }

    [Fact]
    public void Bot_MessagingEndpoint_IsTheFunctionAppTeamsRouteOverHttps()
    {
        var bot = main.Template.SingleOfType("Microsoft.BotService/botServices");

        var endpoint = bot.GetString("properties.endpoint") ?? string.Empty;

        Assert.StartsWith("[format('https://{0}/api/messages', ", endpoint, StringComparison.Ordinal);
        Assert.Contains(".outputs.defaultHostName.value", endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_TeamsSettings_AreTheOnesTheHandlerReads()
    {
        var settings = main.AppSettings;

        // TeamsOptions reads the MicrosoftTeams section; a bare Bot__ setting would be ignored.
        Assert.DoesNotContain(settings.Keys, name => name.StartsWith("Bot__", StringComparison.Ordinal));
        Assert.True(main.Template.IsIdentityProperty(settings["MicrosoftTeams__Bot__AppId"], "clientId"), settings["MicrosoftTeams__Bot__AppId"]);
        Assert.True(main.Template.IsIdentityProperty(settings["MicrosoftTeams__Bot__ManagedIdentityClientId"], "clientId"));
        Assert.Contains("parameters('teamsThreads')", settings["MicrosoftTeams__TeamThreads"], StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_AppSettingNames_AreValidOnLinux()
    {
        // Linux app settings become environment variables: letters, digits, underscores and periods only.
        Assert.All(main.AppSettings.Keys, name => Assert.Matches("^[A-Za-z_][A-Za-z0-9_.]*$", name));
    }

    [Fact]
    public void Bot_Channels_IncludeMicrosoftTeams()
    {
        var channels = main.Template.OfType("Microsoft.BotService/botServices/channels").ToList();

        var teams = channels.Where(channel => channel.GetString("properties.channelName") == "MsTeamsChannel").ToList();

        var channel = Assert.Single(teams);
        Assert.Equal("MsTeamsChannel", channel.LeafName);
        Assert.True(channel.GetBool("properties.properties.isEnabled"));
    }

    private string? SiteParameter(string name)
    {
        var site = main.Template.SingleOfType("Microsoft.Web/sites");
        return site.Scope.Resolve(JsonSerializer.SerializeToElement($"[parameters('{name}')]")).GetString();
    }
}
