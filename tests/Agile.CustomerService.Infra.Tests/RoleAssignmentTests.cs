using Agile.CustomerService.Infra.Tests.Support;

namespace Agile.CustomerService.Infra.Tests;

/// <summary>The pilot identity holds exactly the data-plane roles the Functions host and the handler need.</summary>
public sealed class RoleAssignmentTests(CompiledMain main)
{
    public static TheoryData<string, string, string> RequiredRoles => new()
    {
        { "Azure Service Bus Data Sender", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces" },
        { "Azure Service Bus Data Receiver", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Microsoft.ServiceBus/namespaces" },
        { "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts" },
        { "Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts" },
        { "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts" },
        { "Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components" },
    };

    [Theory]
    [MemberData(nameof(RequiredRoles))]
    public void RoleAssignment_ForPilotIdentity_GrantsRoleOnItsResource(string roleName, string roleId, string scopeType)
    {
        var assignments = main.Template.OfType("Microsoft.Authorization/roleAssignments").ToList();

        var matching = assignments
            .Where(assignment => (assignment.GetString("properties.roleDefinitionId") ?? string.Empty)
                .Contains($"'Microsoft.Authorization/roleDefinitions', '{roleId}'", StringComparison.OrdinalIgnoreCase))
            .ToList();

        var assignment = Assert.Single(matching);
        Assert.True(
            main.Template.IsIdentityProperty(assignment.GetString("properties.principalId"), "principalId"),
            $"{roleName} is granted to {assignment.GetString("properties.principalId")}, not to the pilot identity.");
        Assert.Equal("ServicePrincipal", assignment.GetString("properties.principalType"));
        Assert.Contains($"'{scopeType}'", assignment.GetString("scope") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CosmosSqlRoleAssignment_ForPilotIdentity_GrantsBuiltInDataContributorOnAccount()
    {
        var assignments = main.Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();

        var assignment = Assert.Single(assignments);

        Assert.Contains(
            "/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002",
            assignment.GetString("properties.roleDefinitionId") ?? string.Empty,
            StringComparison.Ordinal);
        Assert.True(
            main.Template.IsIdentityProperty(assignment.GetString("properties.principalId"), "principalId"),
            $"The Cosmos DB data role is granted to {assignment.GetString("properties.principalId")}, not to the pilot identity.");
        Assert.Contains(
            "'Microsoft.DocumentDB/databaseAccounts'",
            assignment.GetString("properties.scope") ?? string.Empty,
            StringComparison.Ordinal);
    }

    [Fact]
    public void RoleAssignments_AcrossTemplate_GrantNoControlPlaneOwnerOrContributor()
    {
        var assignments = main.Template.OfType("Microsoft.Authorization/roleAssignments").ToList();

        // Owner, Contributor, User Access Administrator.
        var broadRoles = assignments
            .Select(assignment => assignment.GetString("properties.roleDefinitionId") ?? string.Empty)
            .Where(roleDefinition => roleDefinition.Contains("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", StringComparison.OrdinalIgnoreCase)
                || roleDefinition.Contains("b24988ac-6180-42a0-ab88-20f7382dd24c", StringComparison.OrdinalIgnoreCase)
                || roleDefinition.Contains("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.NotEmpty(assignments);
        Assert.Empty(broadRoles);
    }
}
