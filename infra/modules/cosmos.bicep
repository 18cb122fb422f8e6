// Cosmos DB for NoSQL: database `agilecs` with the `state` container (every
// document has `pk` and `id`; partitions `customer:{id}`, `team:{id}`,
// `region:{id}`, `timers:{shard}`) and the `leases` container of the change-feed
// trigger. Key auth is off; the pilot identity gets the data-plane role
// "Cosmos DB Built-in Data Contributor".

@description('Azure region of the pilot.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Cosmos DB account name (3-44 lowercase letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Serverless (pay per request, right for a pilot) or provisioned autoscale throughput.')
param serverless bool

@description('Autoscale maximum RU/s shared by the database when not serverless.')
@minValue(1000)
param autoscaleMaxThroughput int

@description('Resource id of the pilot identity (keeps role assignment names stable for what-if).')
param identityId string

@description('Principal (object) id of the pilot identity.')
param identityPrincipalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: 'agilecs'
  properties: {
    resource: {
      id: 'agilecs'
    }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

// One container for all state: the hot path is a point read plus one conditional
// write (or batch) in one partition. Only the properties the app queries on are
// indexed; everything else is excluded to keep writes cheap.
resource stateContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = {
  parent: database
  name: 'state'
  properties: {
    resource: {
      id: 'state'
      partitionKey: {
        paths: [
          '/pk'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          { path: '/kind/?' }
          { path: '/dueAt/?' }
          { path: '/status/?' }
          { path: '/teamId/?' }
          { path: '/seq/?' }
        ]
        excludedPaths: [
          { path: '/*' }
          { path: '/"_etag"/?' }
        ]
      }
    }
  }
}

// Leases of the change-feed trigger. Pre-created because the trigger cannot
// create it with an Entra identity (createLeaseContainerIfNotExists is false).
resource leasesContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = {
  parent: database
  name: 'leases'
  properties: {
    resource: {
      id: 'leases'
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Cosmos DB Built-in Data Contributor (data plane), scoped to the account.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: account
  name: guid(account.id, identityId, '00000000-0000-0000-0000-000000000002')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: identityPrincipalId
    scope: account.id
  }
}

@description('Cosmos DB account endpoint (CosmosDbConnection__accountEndpoint, Cosmos__AccountEndpoint).')
output accountEndpoint string = account.properties.documentEndpoint

@description('Database name (Cosmos__Database).')
output databaseName string = database.name
