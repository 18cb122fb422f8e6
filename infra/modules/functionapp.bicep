// Flex Consumption (FC1, Linux) Function App running the custom handler
// (functionAppConfig.runtime `custom` 1.0): a self-contained linux-x64
// Agile.CustomerService.Host published beside host.json and the function folders.
// Every connection is identity-based through the pilot's user-assigned identity;
// no app setting holds a key. FUNCTIONS_WORKER_RUNTIME and WEBSITE_RUN_FROM_PACKAGE
// are not set: Flex Consumption rejects them.

@description('Azure region of the pilot.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Flex Consumption plan name.')
param planName string

@description('Function App name (also the default host name prefix).')
param functionAppName string

@description('Resource id of the pilot user-assigned identity.')
param identityId string

@description('Client (application) id of the pilot user-assigned identity.')
param identityClientId string

@description('Storage account used as AzureWebJobsStorage.')
param storageAccountName string

@description('Blob container URL of the deployment package.')
param deploymentContainerUrl string

@description('Host name of the Service Bus namespace.')
param serviceBusFullyQualifiedNamespace string

@description('Cosmos DB account endpoint.')
param cosmosAccountEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Application Insights component name.')
param appInsightsName string

@description('Pilot region id the app serves (Region__Id).')
param regionId string

@description('Client id of the API app registration: the audience of bearer tokens (Auth__ClientId).')
param apiClientId string

@description('Id of the Teams app (manifest id), for activity-feed deep links; empty: the bot app id.')
param teamsAppId string = ''

@description('Our team id -> the Teams team\'s thread id (19:...@thread.tacv2) whose channel hears about that team.')
param teamsThreads object = {}

@description('Upper bound of Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of one instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  // azd finds the deployment target of service `api` in azure.yaml by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        // Host storage through the identity.
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // Connection `ServiceBusConnection` of the Service Bus triggers and output.
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
        { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
        { name: 'ServiceBusConnection__clientId', value: identityClientId }
        // Connection `CosmosDbConnection` of the change-feed trigger.
        { name: 'CosmosDbConnection__accountEndpoint', value: cosmosAccountEndpoint }
        { name: 'CosmosDbConnection__credential', value: 'managedidentity' }
        { name: 'CosmosDbConnection__clientId', value: identityClientId }
        // Telemetry with Entra ID auth (the connection string carries no secret).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        // The handler's own configuration (ASP.NET Core reads `__` as `:`).
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'Store__Provider', value: 'cosmos' }
        { name: 'Cosmos__AccountEndpoint', value: cosmosAccountEndpoint }
        { name: 'Cosmos__Database', value: cosmosDatabaseName }
        { name: 'Region__Id', value: regionId }
        { name: 'Blobs__Provider', value: 'azure' }
        { name: 'Blobs__AccountEndpoint', value: 'https://${storageAccountName}.blob.${environment().suffixes.storage}/' }
        { name: 'Auth__TenantId', value: tenant().tenantId }
        { name: 'Auth__ClientId', value: apiClientId }
        { name: 'Auth__DevelopmentTokens', value: 'false' }
        // Microsoft Teams (docs/teams.md): the bot is the pilot identity (bot.bicep); Bot Framework tokens
        // are checked against its app id, proactive messages and Graph calls use its managed identity.
        { name: 'MicrosoftTeams__Bot__AppId', value: identityClientId }
        { name: 'MicrosoftTeams__Bot__ManagedIdentityClientId', value: identityClientId }
        { name: 'MicrosoftTeams__TeamsAppId', value: empty(teamsAppId) ? identityClientId : teamsAppId }
        { name: 'MicrosoftTeams__TeamThreads', value: join(map(items(teamsThreads), t => '${t.key}=${t.value}'), ';') }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

// No FTP and no SCM basic auth: deployments authenticate with Entra ID.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Function App name.')
output name string = site.name

@description('Default host name of the Function App.')
output defaultHostName string = site.properties.defaultHostName
