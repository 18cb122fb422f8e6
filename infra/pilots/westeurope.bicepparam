// North-west pilot, hosted in West Europe.
// az deployment group create -g rg-agilecs-nw -f infra/main.bicep -p infra/pilots/westeurope.bicepparam
using '../main.bicep'

param pilotName = 'nw'
param regionId = 'north-west'
param location = 'westeurope'
param tags = {
  environment: 'pilot'
  'cost-center': 'customer-service'
}
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param serviceBusSku = 'Standard'
param cosmosServerless = true
param botSku = 'F0'
param logRetentionInDays = 30
// The API app registration's client id (see docs/security.md); set ACS_API_CLIENT_ID before deploying.
param apiClientId = readEnvironmentVariable('ACS_API_CLIENT_ID', '')
