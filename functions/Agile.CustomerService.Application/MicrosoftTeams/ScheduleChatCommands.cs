using System.Text.Json;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Scheduling;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>
/// The chat's scheduling commands over the self-scheduling service: the agent's team comes from
/// the directory, the period from the shift (or the dates) named. Each command carries an
/// idempotency key made of the agent and its target, so a repeated message changes nothing.
/// </summary>
public sealed class ScheduleChatCommands(ScheduleService schedule, AdminService admin, TimeProvider time) : IScheduleCommands
{
    private const int MaxShifts = 15;

    public async Task<ScheduleAnswer> ShiftsAsync(string agentId, CancellationToken cancellationToken)
    {
        if (await TeamOfAsync(agentId, cancellationToken) is not { } teamId)
        {
            return NotInATeam(agentId);
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var lines = new List<ShiftLine>();
        foreach (var period in await PeriodsAsync(teamId, cancellationToken))
        {
            lines.AddRange(period.Schedule.Shifts
                .Where(s => s.AgentId == agentId && s.Date >= today.AddDays(-1))
                .Select(s => new ShiftLine(s.Id.ToString(), s.StartsAt, s.EndsAt, period.Schedule.Period.TimeZone, s.Activity.ToString())));
        }

        var coming = lines.OrderBy(l => l.Start).Take(MaxShifts).ToList();
        return new ScheduleAnswer(true, coming.Count == 0 ? "You have no coming shifts." : $"Your next {coming.Count} shifts:", coming);
    }

    public async Task<ScheduleAnswer> ClaimAsync(string agentId, string shiftId, CancellationToken cancellationToken)
    {
        if (await FindShiftAsync(agentId, shiftId, cancellationToken) is not { } found)
        {
            return ScheduleAnswer.Refused($"shift {shiftId} is not in a schedule period of your team");
        }

        var outcome = await schedule.ClaimOpenShiftAsync(found.TeamId, found.PeriodId, found.ShiftId, agentId, PutDocument.Any, $"teams:claim:{agentId}:{found.ShiftId}", string.Empty, cancellationToken);
        return Answer(outcome, "The shift is yours.");
    }

    public async Task<ScheduleAnswer> SwapAsync(string agentId, string shiftId, string withAgentId, CancellationToken cancellationToken)
    {
        if (await FindShiftAsync(agentId, shiftId, cancellationToken) is not { } found)
        {
            return ScheduleAnswer.Refused($"shift {shiftId} is not in a schedule period of your team");
        }

        var outcome = await schedule.RequestSwapAsync(found.TeamId, found.PeriodId, agentId, found.ShiftId, withAgentId, null, PutDocument.Any, $"teams:swap:{agentId}:{found.ShiftId}:{withAgentId}", string.Empty, cancellationToken);
        return Answer(outcome, $"{withAgentId} is asked to take the shift.");
    }

    public async Task<ScheduleAnswer> TimeOffAsync(string agentId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        if (await TeamOfAsync(agentId, cancellationToken) is not { } teamId)
        {
            return NotInATeam(agentId);
        }

        var period = (await PeriodsAsync(teamId, cancellationToken))
            .FirstOrDefault(p => p.Schedule.Period.Start <= firstDay && lastDay < p.Schedule.Period.End);
        if (period is null)
        {
            return ScheduleAnswer.Refused($"no schedule period of team {teamId} covers {firstDay:yyyy-MM-dd} to {lastDay:yyyy-MM-dd}");
        }

        var outcome = await schedule.RequestTimeOffAsync(
            teamId, period.PeriodId, agentId, firstDay.ToDateTime(TimeOnly.MinValue), lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue),
            "requested from Microsoft Teams", PutDocument.Any, $"teams:time-off:{agentId}:{firstDay:yyyyMMdd}:{lastDay:yyyyMMdd}", string.Empty, cancellationToken);
        return Answer(outcome, "Time off requested.");
    }

    public async Task<ScheduleAnswer> DecideAsync(string deciderId, string requestId, bool approve, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(requestId, out var id))
        {
            return ScheduleAnswer.Refused($"'{requestId}' is not a request id");
        }

        if (await TeamOfAsync(deciderId, cancellationToken) is not { } teamId)
        {
            return NotInATeam(deciderId);
        }

        foreach (var period in await PeriodsAsync(teamId, cancellationToken))
        {
            var key = $"teams:decide:{deciderId}:{id}:{approve}";
            if (period.FindSwap(id) is { } swap)
            {
                return swap.RequesterId == deciderId || swap.PeerId == deciderId
                    ? ScheduleAnswer.Refused("you cannot decide a swap you are part of")
                    : Answer(await schedule.DecideSwapAsync(teamId, period.PeriodId, id, deciderId, approve, PutDocument.Any, key, string.Empty, cancellationToken), approve ? "Swap approved." : "Swap declined.");
            }

            if (period.FindTimeOff(id) is { } timeOff)
            {
                return timeOff.AgentId == deciderId
                    ? ScheduleAnswer.Refused("you cannot decide your own time off")
                    : Answer(await schedule.DecideTimeOffAsync(teamId, period.PeriodId, id, deciderId, approve, PutDocument.Any, key, string.Empty, cancellationToken), approve ? "Time off approved." : "Time off declined.");
            }
        }

        return ScheduleAnswer.Refused($"request {requestId} is not a swap or time-off request of team {teamId}");
    }

    public async Task<ScheduleAnswer> AnswerSwapAsync(string peerId, string swapId, bool accept, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(swapId, out var id))
        {
            return ScheduleAnswer.Refused($"'{swapId}' is not a swap id");
        }

        if (await TeamOfAsync(peerId, cancellationToken) is not { } teamId)
        {
            return NotInATeam(peerId);
        }

        if ((await PeriodsAsync(teamId, cancellationToken)).FirstOrDefault(p => p.FindSwap(id) is not null) is not { } period)
        {
            return ScheduleAnswer.Refused($"swap {swapId} is not a swap of team {teamId}");
        }

        var outcome = await schedule.AnswerSwapAsync(teamId, period.PeriodId, id, peerId, accept, PutDocument.Any, $"teams:answer-swap:{peerId}:{id}:{accept}", string.Empty, cancellationToken);
        return Answer(outcome, accept ? "Swap accepted: the shift is yours." : "Swap declined.");
    }

    public async Task<ShiftLine?> ShiftAsync(string teamId, string periodId, Guid shiftId, CancellationToken cancellationToken) =>
        await schedule.GetAsync(teamId, periodId, cancellationToken) is { } period && period.Value.Schedule.FindShift(shiftId) is { } s
            ? new ShiftLine(s.Id.ToString(), s.StartsAt, s.EndsAt, period.Value.Schedule.Period.TimeZone, s.Activity.ToString())
            : null;

    private async Task<string?> TeamOfAsync(string agentId, CancellationToken cancellationToken) =>
        (await admin.AgentAsync(agentId, cancellationToken))?.TeamId;

    private async Task<IReadOnlyList<SchedulePeriodDocument>> PeriodsAsync(string teamId, CancellationToken cancellationToken)
    {
        var periods = new List<SchedulePeriodDocument>();
        foreach (var summary in await schedule.ListAsync(teamId, cancellationToken))
        {
            if (await schedule.GetAsync(teamId, summary.PeriodId, cancellationToken) is { } period)
            {
                periods.Add(period.Value);
            }
        }

        return periods;
    }

    private async Task<(string TeamId, string PeriodId, Guid ShiftId)?> FindShiftAsync(string agentId, string shiftId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(shiftId, out var id) || await TeamOfAsync(agentId, cancellationToken) is not { } teamId)
        {
            return null;
        }

        var period = (await PeriodsAsync(teamId, cancellationToken)).FirstOrDefault(p => p.Schedule.FindShift(id) is not null);
        return period is null ? null : (teamId, period.PeriodId, id);
    }

    private static ScheduleAnswer NotInATeam(string agentId) => ScheduleAnswer.Refused($"agent {agentId} is not a member of any team");

    private static ScheduleAnswer Answer(Outcome outcome, string done) => outcome switch
    {
        Success s => new ScheduleAnswer(true, OutcomeOf(s.BodyJson) switch
        {
            "awaitingTeam" => "Your team decides: the request is waiting for a team lead.",
            "awaitingPeer" or "approved" or "claimed" or "declined" or null => done,
            var other => $"{done} ({other})",
        }, []),
        Problem p => ScheduleAnswer.Refused(p.Detail),
        _ => ScheduleAnswer.Refused("the schedule could not be changed"),
    };

    private static string? OutcomeOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
