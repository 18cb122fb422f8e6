// One agile customer-service pilot in one Azure region, deployed into one
// resource group: `az deployment group create -g <rg> -p pilots/<region>.bicepparam`.
// See docs/deploy.md for the whole procedure and infra/README.md for the layout.
targetScope = 'resourceGroup'

metadata description = 'Agile.CustomerService pilot: Flex Consumption custom-handler Function App, Cosmos DB, Service Bus, monitoring and an Azure Bot, all wired through one user-assigned managed identity.'

@description('Short pilot name, 2-6 lowercase letters or digits; part of every resource name (e.g. nw, se).')
@minLength(2)
@maxLength(6)
param pilotName string

@description('Pilot region id the app serves, as in its `region:{id}` partition (app setting Region__Id).')
@minLength(1)
param regionId string

@description('Azure region of every regional resource. Flex Consumption must be offered there (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {}

@description('Upper bound of Function App instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Service Bus tier.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Deliveries before Service Bus dead-letters a message.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 10

@description('Cosmos DB serverless (pilot) or autoscale provisioned throughput.')
param cosmosServerless bool = true

@description('Autoscale maximum RU/s of the database when cosmosServerless is false.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Azure Bot pricing tier.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Client id (GUID) of the Entra app registration that exposes the API and its app roles (Agent, TeamLead, Coach, Admin, ContactSource). Bearer tokens must be issued for it.')
param apiClientId string = ''

@description('Days to keep logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Id of the Teams app package (teams/build-package.sh --app-id); empty: the bot app id.')
param teamsAppId string = ''

@description('Which Teams team\'s channel hears about each of our teams: { \'north-1\': \'19:...@thread.tacv2\' }.')
param teamsThreads object = {}

var suffix = uniqueString(subscription().id, resourceGroup().id, pilotName)
var baseName = 'agilecs-${pilotName}'
var appInsightsName = 'appi-${baseName}-${suffix}'
var allTags = union(tags, {
  application: 'Agile.CustomerService'
  pilot: pilotName
  'pilot-region': regionId
})

// The one identity of the pilot: Function App (host and handler), Bot, data plane.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-${baseName}-${suffix}'
  location: location
  tags: allTags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: allTags
    workspaceName: 'log-${baseName}-${suffix}'
    appInsightsName: appInsightsName
    retentionInDays: logRetentionInDays
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: allTags
    accountName: take('stacs${pilotName}${suffix}', 24)
    deploymentContainerName: 'app-package'
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    tags: allTags
    accountName: 'cosmos-${baseName}-${suffix}'
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    tags: allTags
    namespaceName: 'sb-${baseName}-${suffix}'
    sku: serviceBusSku
    maxDeliveryCount: maxDeliveryCount
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  // The app reads the App Insights component by name (a deploy-time value keeps what-if precise).
  dependsOn: [
    monitoring
  ]
  params: {
    location: location
    tags: allTags
    planName: 'plan-${baseName}-${suffix}'
    functionAppName: 'func-${baseName}-${suffix}'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.accountName
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    cosmosAccountEndpoint: cosmos.outputs.accountEndpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    appInsightsName: appInsightsName
    regionId: regionId
    apiClientId: apiClientId
    teamsAppId: teamsAppId
    teamsThreads: teamsThreads
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    tags: allTags
    botName: 'bot-${baseName}-${suffix}'
    displayName: 'Agile Customer Service (${regionId})'
    sku: botSku
    // TeamsEndpoints maps the Bot Framework messaging endpoint at /api/messages.
    messagingEndpoint: 'https://${functionApp.outputs.defaultHostName}/api/messages'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    tenantId: tenant().tenantId
  }
}

@description('Function App name (az functionapp deploy, azd).')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the HTTP API.')
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('Client id of the pilot identity: bot app id, AZURE_CLIENT_ID.')
output AZURE_CLIENT_ID string = identity.properties.clientId

@description('Object id of the pilot identity: grant Microsoft Graph app roles to this service principal.')
output IDENTITY_PRINCIPAL_ID string = identity.properties.principalId

@description('Azure Bot resource name.')
output BOT_NAME string = bot.outputs.name

@description('Cosmos DB account endpoint.')
output COSMOS_ENDPOINT string = cosmos.outputs.accountEndpoint

@description('Service Bus namespace host name.')
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace

@description('Pilot region id.')
output REGION_ID string = regionId
