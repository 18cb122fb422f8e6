namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>A line of a chat reply about a shift.</summary>
public sealed record ShiftLine(string ShiftId, DateTime Start, DateTime End, string TimeZone, string Activity);

/// <summary>The answer of a scheduling command: done (with a message) or refused (with the reason).</summary>
public sealed record ScheduleAnswer(bool Done, string Message, IReadOnlyList<ShiftLine> Shifts)
{
    public static ScheduleAnswer Refused(string reason) => new(false, reason, []);
}

/// <summary>
/// The scheduling commands the chat surface needs, as one small port. The self-scheduling
/// service implements it; the chat surface never reaches into scheduling documents itself.
/// </summary>
public interface IScheduleCommands
{
    Task<ScheduleAnswer> ShiftsAsync(string agentId, CancellationToken cancellationToken);

    Task<ScheduleAnswer> ClaimAsync(string agentId, string shiftId, CancellationToken cancellationToken);

    Task<ScheduleAnswer> SwapAsync(string agentId, string shiftId, string withAgentId, CancellationToken cancellationToken);

    Task<ScheduleAnswer> TimeOffAsync(string agentId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);

    /// <summary>The peer of a swap accepts or declines it (the buttons of the card that asked them).</summary>
    Task<ScheduleAnswer> AnswerSwapAsync(string peerId, string swapId, bool accept, CancellationToken cancellationToken);

    /// <summary>A shift of a team's period, for a card; null when it is not there.</summary>
    Task<ShiftLine?> ShiftAsync(string teamId, string periodId, Guid shiftId, CancellationToken cancellationToken);

    /// <summary>A team lead approves or declines a swap or time-off request (the Approve/Decline buttons of its card).</summary>
    Task<ScheduleAnswer> DecideAsync(string deciderId, string requestId, bool approve, CancellationToken cancellationToken);
}
