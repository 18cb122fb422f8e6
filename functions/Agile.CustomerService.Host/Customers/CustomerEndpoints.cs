using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.Customers;

internal sealed record CustomerBody(string? Name, string? RegionId, string? Segment, CustomerTier? Tier);

internal sealed record TransferBody(string? TeamId, string? By, string? Reason);

internal static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Customers");

        api.MapPut("/customers/{customerId}", async (string customerId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<CustomerBody>(request);
                return error
                    ?? Validate.First(
                        Validate.Id("customerId", customerId), Validate.Text("name", body!.Name, 200),
                        Validate.Id("regionId", body.RegionId), Validate.Id("segment", body.Segment), Validate.Defined("tier", body.Tier))
                    ?? (await admin.PutCustomerAsync(customerId, body.Name!, body.RegionId!, body.Segment!, body.Tier!.Value, ct)).ToHttp();
            })
            .WithSummary("Register or update a customer (the owning team is chosen on first contact)")
            .AllowRoles(Roles.Admin);

        api.MapGet("/customers/{customerId}", async (string customerId, AdminService admin, CancellationToken ct) =>
                await admin.CustomerAsync(customerId, ct) is { } customer
                    ? HttpResults.Json(customer)
                    : HttpResults.NotFound($"customer {customerId} is not registered"))
            .WithSummary("A customer, the owning team with its audited ownership history, and their cases")
            .AllowTeam(TeamScope.Customer, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPut("/customers/{customerId}/owner", async (string customerId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<TransferBody>(request);
                return error
                    ?? Validate.First(Validate.Id("teamId", body!.TeamId), Validate.Id("by", body.By), Validate.Text("reason", body.Reason, 500))
                    ?? (await admin.TransferOwnerAsync(customerId, body.TeamId!, body.By!, body.Reason!, ct)).ToHttp();
            })
            .WithSummary("Set or transfer the owning team explicitly (audited)")
            .AllowRoles(Roles.Admin);
    }
}
