using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Host.Http;

namespace Agile.CustomerService.Host.Security;

internal sealed record IdentityBody(string? TenantId, string? ObjectId);

/// <summary>Who am I, and the admin's link from an Entra user to an agent.</summary>
internal static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Identity");

        api.MapGet("/me", (HttpContext http) => HttpResults.Json(new
            {
                name = http.User.FindFirst("name")?.Value,
                tenantId = http.User.FindFirst("tid")?.Value,
                objectId = http.User.FindFirst("oid")?.Value,
                roles = Roles.All.Where(http.User.IsInRole).ToArray(),
                agentId = http.User.AgentId(),
                teamId = http.User.TeamId(),
            }))
            .WithSummary("The signed-in caller: roles, and the agent and team their account is linked to")
            .AllowRoles([.. Roles.All]);

        api.MapPut("/agents/{agentId}/identity", async (string agentId, HttpRequest request, IdentityDirectory directory, CallerResolver resolver, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<IdentityBody>(request);
                if (error is not null)
                {
                    return error;
                }

                if (Validate.First(Validate.Id("agentId", agentId), Guid("tenantId", body!.TenantId), Guid("objectId", body.ObjectId)) is { } invalid)
                {
                    return invalid;
                }

                var outcome = await directory.LinkAsync(new AgentIdentity(body.TenantId!, body.ObjectId!, agentId), ct);
                resolver.Forget(body.TenantId!, body.ObjectId!);
                return outcome.ToHttp();
            })
            .WithSummary("Link an Entra user (tenant id, object id) to an agent; their bearer tokens then act as that agent")
            .AllowRoles(Roles.Admin);

        api.MapGet("/agents/{agentId}/identity", async (string agentId, IdentityDirectory directory, CancellationToken ct) =>
                await directory.LinkOfAsync(agentId, ct) is { } link ? HttpResults.Json(link) : HttpResults.NotFound($"agent {agentId} is not linked to a user"))
            .WithSummary("The Entra user an agent is linked to")
            .AllowRoles(Roles.Admin);
    }

    private static string? Guid(string field, string? value) =>
        System.Guid.TryParseExact(value, "D", out _) ? null : $"{field} must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";
}
