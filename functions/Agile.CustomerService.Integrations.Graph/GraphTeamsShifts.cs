using Agile.CustomerService.Application.Scheduling;
using Azure.Core;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Teams.Item.Schedule.Share;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Authentication.Azure;

namespace Agile.CustomerService.Integrations.Graph;

/// <summary>
/// Microsoft Teams Shifts through the Microsoft Graph SDK (v1.0, application permission Schedule.ReadWrite.All).
/// Every call sends <c>MS-APP-ACTS-AS</c> (required for app-only calls on older tenants, harmless otherwise).
/// The SDK's retry handler honours Retry-After on 429 and 503. Approve and decline have no request builders in
/// 6.10.0: they go as raw requests through the same client's request adapter (same auth, base URL and retries).
/// </summary>
public sealed class GraphTeamsShifts(GraphServiceClient client) : ITeamsShifts
{
    public const string ActsAsHeader = "MS-APP-ACTS-AS";
    private static readonly Dictionary<string, ParsableFactory<IParsable>> Errors = new(StringComparer.Ordinal)
    {
        ["XXX"] = ODataError.CreateFromDiscriminatorValue,
    };

    /// <summary>
    /// A client for <paramref name="baseUrl"/> (https://graph.microsoft.com/v1.0, or a local fake). The authentication
    /// provider lists the host as allowed: the SDK's shorter constructors reach other hosts without a token.
    /// </summary>
    public static GraphServiceClient CreateClient(TokenCredential credential, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var auth = new AzureIdentityAuthenticationProvider(credential, [baseUrl.Host], scopes: ["https://graph.microsoft.com/.default"]);
        return new GraphServiceClient(GraphClientFactory.Create(), auth, baseUrl.ToString().TrimEnd('/'));
    }

    public async Task<string> CreateShiftAsync(ShiftsLink link, ExternalShift shift, CancellationToken cancellationToken)
    {
        var created = await client.Teams[link.GraphTeamId].Schedule.Shifts.PostAsync(ToShift(link, shift), ActAs(link), cancellationToken);
        return created?.Id ?? throw new InvalidOperationException("Graph created a shift without an id");
    }

    public async Task ReplaceShiftAsync(ShiftsLink link, string shiftId, ExternalShift shift, CancellationToken cancellationToken)
    {
        // Documented as PUT (replace); the SDK only builds PATCH, so the method is changed on the same request.
        var request = client.Teams[link.GraphTeamId].Schedule.Shifts[shiftId].ToPatchRequestInformation(ToShift(link, shift), ActAs(link));
        request.HttpMethod = Method.PUT;
        await client.RequestAdapter.SendAsync(request, Shift.CreateFromDiscriminatorValue, Errors, cancellationToken);
    }

    public async Task DeleteShiftAsync(ShiftsLink link, string shiftId, CancellationToken cancellationToken)
    {
        try
        {
            await client.Teams[link.GraphTeamId].Schedule.Shifts[shiftId].DeleteAsync(ActAs(link), cancellationToken);
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            // Already gone (someone deleted it in Teams, or an earlier sync did): the outcome we want.
        }
    }

    public async Task<string> CreateOpenShiftAsync(ShiftsLink link, ExternalShift shift, CancellationToken cancellationToken)
    {
        var open = new OpenShift
        {
            SchedulingGroupId = link.SchedulingGroupId,
            SharedOpenShift = new OpenShiftItem
            {
                StartDateTime = shift.Start,
                EndDateTime = shift.End,
                DisplayName = shift.DisplayName,
                Notes = shift.Notes,
                OpenSlotCount = 1,
            },
        };
        var created = await client.Teams[link.GraphTeamId].Schedule.OpenShifts.PostAsync(open, ActAs(link), cancellationToken);
        return created?.Id ?? throw new InvalidOperationException("Graph created an open shift without an id");
    }

    public async Task DeleteOpenShiftAsync(ShiftsLink link, string openShiftId, CancellationToken cancellationToken)
    {
        try
        {
            await client.Teams[link.GraphTeamId].Schedule.OpenShifts[openShiftId].DeleteAsync(ActAs(link), cancellationToken);
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
        }
    }

    public async Task ShareAsync(ShiftsLink link, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken) =>
        await client.Teams[link.GraphTeamId].Schedule.Share.PostAsync(
            new SharePostRequestBody { NotifyTeam = true, StartDateTime = from, EndDateTime = until }, ActAs(link), cancellationToken);

    public async Task<IReadOnlyList<ExternalRequest>> PendingRequestsAsync(ShiftsLink link, CancellationToken cancellationToken)
    {
        var schedule = client.Teams[link.GraphTeamId].Schedule;
        var requests = new List<ExternalRequest>();
        var timeOff = await schedule.TimeOffRequests.GetAsync(r => { r.Headers.Add(ActsAsHeader, link.ActAsUserId); r.QueryParameters.Filter = "state eq 'pending'"; }, cancellationToken);
        while (timeOff is not null)
        {
            requests.AddRange((timeOff.Value ?? []).Where(t => t.State == ScheduleChangeState.Pending).Select(t => new ExternalRequest(
                ExternalRequestKind.TimeOff, t.Id!, t.SenderUserId!, t.StartDateTime, t.EndDateTime, null, null, null, false, t.SenderMessage)));
            timeOff = timeOff.OdataNextLink is { } next
                ? await schedule.TimeOffRequests.WithUrl(next).GetAsync(r => r.Headers.Add(ActsAsHeader, link.ActAsUserId), cancellationToken)
                : null;
        }

        var swaps = await schedule.SwapShiftsChangeRequests.GetAsync(r => { r.Headers.Add(ActsAsHeader, link.ActAsUserId); r.QueryParameters.Filter = "state eq 'pending'"; }, cancellationToken);
        while (swaps is not null)
        {
            requests.AddRange((swaps.Value ?? []).Where(s => s.State == ScheduleChangeState.Pending).Select(s => new ExternalRequest(
                ExternalRequestKind.Swap, s.Id!, s.SenderUserId!, null, null, s.SenderShiftId, s.RecipientUserId, s.RecipientShiftId,
                s.AssignedTo == ScheduleChangeRequestActor.Manager, s.SenderMessage)));
            swaps = swaps.OdataNextLink is { } next
                ? await schedule.SwapShiftsChangeRequests.WithUrl(next).GetAsync(r => r.Headers.Add(ActsAsHeader, link.ActAsUserId), cancellationToken)
                : null;
        }

        return requests;
    }

    public async Task AnswerAsync(ShiftsLink link, ExternalRequestKind kind, string requestId, bool approve, string message, CancellationToken cancellationToken)
    {
        var collection = kind == ExternalRequestKind.TimeOff ? "timeOffRequests" : "swapShiftsChangeRequests";
        var request = new RequestInformation(
            Method.POST,
            "{+baseurl}/teams/{team%2Did}/schedule/" + collection + "/{request%2Did}/" + (approve ? "approve" : "decline"),
            new Dictionary<string, object> { ["team%2Did"] = link.GraphTeamId, ["request%2Did"] = requestId });
        request.Headers.Add("Accept", "application/json");
        request.Headers.Add(ActsAsHeader, link.ActAsUserId);
        request.SetContentFromParsable(client.RequestAdapter, "application/json", new AnswerBody { Message = message });
        await client.RequestAdapter.SendNoContentAsync(request, Errors, cancellationToken);
    }

    private static Shift ToShift(ShiftsLink link, ExternalShift shift) => new()
    {
        UserId = shift.UserId,
        SchedulingGroupId = link.SchedulingGroupId,
        SharedShift = new ShiftItem
        {
            StartDateTime = shift.Start,
            EndDateTime = shift.End,
            DisplayName = shift.DisplayName,
            Notes = shift.Notes,
        },
    };

    private static Action<RequestConfiguration<T>> ActAs<T>(ShiftsLink link)
        where T : class, new() =>
        r => r.Headers.Add(ActsAsHeader, link.ActAsUserId);

    private static Action<RequestConfiguration<DefaultQueryParameters>> ActAs(ShiftsLink link) => ActAs<DefaultQueryParameters>(link);

    /// <summary>The body of approve and decline: <c>{"message": ...}</c>.</summary>
    private sealed class AnswerBody : IParsable
    {
        public string? Message { get; init; }

        public IDictionary<string, Action<IParseNode>> GetFieldDeserializers() => new Dictionary<string, Action<IParseNode>>();

        public void Serialize(ISerializationWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue("message", Message);
        }
    }
}
