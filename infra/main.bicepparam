// Parameters for `azd up` / `azd provision`: azd exports its environment
// (AZURE_ENV_NAME, AZURE_LOCATION, and anything set with `azd env set`) before
// building this file. Admins deploying by hand use infra/pilots/<region>.bicepparam.
using 'main.bicep'

param pilotName = readEnvironmentVariable('PILOT_NAME', 'dev')
param regionId = readEnvironmentVariable('PILOT_REGION_ID', 'north-west')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')
param tags = {
  environment: 'pilot'
  'azd-env-name': readEnvironmentVariable('AZURE_ENV_NAME', 'local')
}
