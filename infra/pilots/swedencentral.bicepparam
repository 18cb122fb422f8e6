// Sweden pilot, hosted in Sweden Central.
// az deployment group create -g rg-agilecs-se -f infra/main.bicep -p infra/pilots/swedencentral.bicepparam
using '../main.bicep'

param pilotName = 'se'
param regionId = 'sweden'
param location = 'swedencentral'
param tags = {
  environment: 'pilot'
  'cost-center': 'customer-service'
}
param maximumInstanceCount = 20
param instanceMemoryMB = 2048
param serviceBusSku = 'Standard'
param cosmosServerless = true
param botSku = 'F0'
param logRetentionInDays = 30
// The API app registration's client id (see docs/security.md); set ACS_API_CLIENT_ID before deploying.
param apiClientId = readEnvironmentVariable('ACS_API_CLIENT_ID', '')
