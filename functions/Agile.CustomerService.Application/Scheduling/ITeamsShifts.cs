namespace Agile.CustomerService.Application.Scheduling;

/// <summary>
/// How a team is known in Microsoft Teams Shifts: the Teams team (group) id, the user the app acts as
/// (<c>MS-APP-ACTS-AS</c>), the scheduling group open shifts go to, and each agent's Entra user id.
/// </summary>
public sealed record ShiftsLink(string GraphTeamId, string ActAsUserId, string SchedulingGroupId, IReadOnlyDictionary<string, string> Users)
{
    public const string DocumentId = "shifts-link";

    public string? AgentOf(string userId) => Users.FirstOrDefault(u => u.Value == userId).Key;
}

/// <summary>A shift or open shift as Teams Shifts gets it (UTC).</summary>
public sealed record ExternalShift(string? UserId, DateTimeOffset Start, DateTimeOffset End, string DisplayName, string? Notes);

public enum ExternalRequestKind
{
    TimeOff,
    Swap,
}

/// <summary>
/// A request made in Teams: time off (<see cref="Start"/>-<see cref="End"/>, UTC) or a swap of the sender's shift with the
/// recipient's; <see cref="RecipientAccepted"/> when Teams already has the recipient's yes (the request waits for the manager).
/// </summary>
public sealed record ExternalRequest(
    ExternalRequestKind Kind,
    string Id,
    string SenderUserId,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? SenderShiftId,
    string? RecipientUserId,
    string? RecipientShiftId,
    bool RecipientAccepted,
    string? Message);

/// <summary>
/// The port to Microsoft Teams Shifts (Microsoft Graph, adapter in Agile.CustomerService.Integrations.Graph).
/// Calls are idempotent where Graph allows: creates return the Graph id, which the caller stores.
/// </summary>
public interface ITeamsShifts
{
    Task<string> CreateShiftAsync(ShiftsLink link, ExternalShift shift, CancellationToken cancellationToken);

    Task ReplaceShiftAsync(ShiftsLink link, string shiftId, ExternalShift shift, CancellationToken cancellationToken);

    Task DeleteShiftAsync(ShiftsLink link, string shiftId, CancellationToken cancellationToken);

    Task<string> CreateOpenShiftAsync(ShiftsLink link, ExternalShift shift, CancellationToken cancellationToken);

    Task DeleteOpenShiftAsync(ShiftsLink link, string openShiftId, CancellationToken cancellationToken);

    /// <summary>Shares (publishes) the drafts between <paramref name="from"/> and <paramref name="until"/> and notifies the team.</summary>
    Task ShareAsync(ShiftsLink link, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Pending time-off and swap requests made in Teams.</summary>
    Task<IReadOnlyList<ExternalRequest>> PendingRequestsAsync(ShiftsLink link, CancellationToken cancellationToken);

    Task AnswerAsync(ShiftsLink link, ExternalRequestKind kind, string requestId, bool approve, string message, CancellationToken cancellationToken);
}
