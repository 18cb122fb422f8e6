// Azure Bot for Microsoft Teams. It authenticates as the pilot's user-assigned
// managed identity (single tenant, no client secret) and posts Teams activities
// to the Function App's HTTP function at /api/messages (TeamsEndpoints).

@description('Tags applied to every resource.')
param tags object

@description('Bot resource name (globally unique bot handle).')
param botName string

@description('Name shown in Teams.')
param displayName string

@description('Pricing tier: F0 for a pilot, S1 for production traffic on premium channels.')
@allowed([
  'F0'
  'S1'
])
param sku string

@description('HTTPS messaging endpoint the Bot Service posts activities to.')
param messagingEndpoint string

@description('Resource id of the pilot user-assigned identity.')
param identityId string

@description('Client (application) id of the pilot user-assigned identity: the bot app id.')
param identityClientId string

@description('Entra tenant of the identity (single-tenant bot).')
param tenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  // Bot Service is a global resource; its data lives in the tenant's geography.
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: messagingEndpoint
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityId
    msaAppTenantId: tenantId
    publicNetworkAccess: 'Enabled'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

@description('Bot resource name.')
output name string = bot.name

@description('Bot app id: the botId of the Teams app manifest.')
output appId string = bot.properties.msaAppId
