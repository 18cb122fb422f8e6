// Service Bus namespace of one pilot: the session-enabled `contacts` queue
// (sessions keyed by customer id give per-customer ordering) and the
// `case-events` topic with one subscription per subscriber. The Functions host
// owns settlement, retries and dead-lettering; SAS keys are off.

@description('Azure region of the pilot.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Service Bus namespace name (6-50 letters, digits and hyphens).')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Standard is enough for sessions and topics; Premium adds isolation and private networking.')
@allowed([
  'Standard'
  'Premium'
])
param sku string

@description('Deliveries before the broker dead-letters a message.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int

@description('Resource id of the pilot identity (keeps role assignment names stable for what-if).')
param identityId string

@description('Principal (object) id of the pilot identity.')
param identityPrincipalId string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
    capacity: sku == 'Premium' ? 1 : null
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// Contacts from every channel, one session per customer.
resource contactsQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'contacts'
  properties: {
    requiresSession: true
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    requiresDuplicateDetection: false
    enableBatchedOperations: true
  }
}

// Case events published from the Cosmos DB change feed (transactional outbox).
// Outputs of a custom handler carry a body only, so no broker duplicate
// detection and no sessions: consumers dedupe on the event id in the body.
resource caseEventsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: 'case-events'
  properties: {
    defaultMessageTimeToLive: 'P14D'
    requiresDuplicateDetection: false
    enableBatchedOperations: true
    supportOrdering: true
  }
}

var subscriptionProperties = {
  requiresSession: false
  maxDeliveryCount: maxDeliveryCount
  deadLetteringOnMessageExpiration: true
  deadLetteringOnFilterEvaluationExceptions: true
  lockDuration: 'PT1M'
  defaultMessageTimeToLive: 'P14D'
  enableBatchedOperations: true
}

resource boardProjection 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: caseEventsTopic
  name: 'board-projection'
  properties: subscriptionProperties
}

resource dailyRollup 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: caseEventsTopic
  name: 'daily-rollup'
  properties: subscriptionProperties
}

// The dispatch reactor: frees capacity, re-queues and offers queued work as cases change.
resource dispatch 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: caseEventsTopic
  name: 'dispatch'
  properties: subscriptionProperties
}

// Proactive Microsoft Teams messages (TeamsNotifications function).
resource teamsNotifications 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: caseEventsTopic
  name: 'teams-notifications'
  properties: subscriptionProperties
}

// Azure Service Bus Data Sender: the case-events output binding.
resource dataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, identityId, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Azure Service Bus Data Receiver: the contacts and case-events triggers.
resource dataReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, identityId, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// serviceBusEndpoint looks like https://<namespace>.servicebus.windows.net:443/ (suffix differs per cloud).
@description('Host name of the namespace (ServiceBusConnection__fullyQualifiedNamespace).')
output fullyQualifiedNamespace string = split(split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), '/')[0], ':')[0]

@description('Subscriptions of the case-events topic, for documentation and smoke tests.')
output caseEventsSubscriptions array = [
  boardProjection.name
  dailyRollup.name
  dispatch.name
  teamsNotifications.name
]
