using static Agile.CustomerService.Scheduling.Tests.Given;

namespace Agile.CustomerService.Scheduling.Tests;

/// <summary>Random small schedules for property tests, made from a seed CsCheck draws.</summary>
internal static class RandomSchedules
{
    private static readonly ShiftTemplate[] Templates = [Early, Late, Chat];

    private static readonly string[] Names = ["ana", "ben", "cas", "dan"];

    /// <summary>The test team with random needs and random shifts (some open, some breaking rules).</summary>
    public static Schedule Messy(int seed)
    {
        var random = new Random(seed);
        var schedule = Needs(Team(), random);
        var agents = schedule.Agents.Select(a => a.Id).ToArray();
        var shifts = Enumerable.Range(0, random.Next(4, 30)).Select(_ =>
            Shift(random.Next(5) == 0 ? null : agents[random.Next(agents.Length)], random.Next(14), Templates[random.Next(Templates.Length)]));
        return schedule.With([.. shifts]);
    }

    /// <summary>
    /// A random team (2 to 4 agents, random skills, contracts, availability, preferences, time off) with random needs
    /// and claims made through <see cref="ShiftDecisions"/>, so the claims keep the labour rules.
    /// </summary>
    public static Schedule Claimed(int seed)
    {
        var random = new Random(seed);
        var names = Names.Take(random.Next(2, 5));
        var agents = names.Select(name => Agent(name, random.Next(2) == 0 ? ["phone", "chat"] : ["phone"]) with
        {
            ContractedWeeklyHours = TimeSpan.FromHours(random.Next(2) == 0 ? 36 : 24),
            MaxWeeklyHours = TimeSpan.FromHours(random.Next(2) == 0 ? 40 : 24),
            Availability = random.Next(3) == 0
                ? [.. Enumerable.Range(1, 5).Select(d => new AvailabilityWindow((DayOfWeek)d, new TimeOnly(6, 0), new TimeOnly(18, 0)))]
                : [],
            Preferences = new ShiftPreferences([], random.Next(2) == 0 ? [DayOfWeek.Saturday] : [], [], random.Next(2) == 0 ? ["late"] : []),
        }).ToArray();
        var schedule = Needs(Team(agents), random);
        foreach (var agent in agents.Where(_ => random.Next(3) == 0))
        {
            var day = random.Next(12);
            schedule = schedule.WithTimeOff(agent.Id, At(day, 0), At(day + random.Next(1, 3), 0));
        }

        for (var i = random.Next(8); i > 0; i--)
        {
            var agent = agents[random.Next(agents.Length)];
            var claim = new ClaimShift(Guid.NewGuid(), agent.Id, Day(random.Next(14)), Templates[random.Next(Templates.Length)].Id);
            if (ShiftDecisions.Decide(schedule, claim) is ScheduleDecision.Approved approved
                && ScheduleRules.ValidateAvailability(schedule.Apply(approved.Events), agent.Id) is RuleCheck.Holds)
            {
                schedule = schedule.Apply(approved.Events);
            }
        }

        return schedule;
    }

    private static Schedule Needs(Schedule schedule, Random random)
    {
        for (var day = 0; day < 14; day++)
        {
            if (random.Next(4) > 0)
            {
                var from = random.Next(7, 14);
                schedule = schedule.Needing(ShiftActivity.Phone, day, from, random.Next(from + 1, 23), random.Next(1, 3));
            }

            if (random.Next(3) == 0)
            {
                schedule = schedule.Needing(ShiftActivity.Chat, day, 9, random.Next(10, 18), 1);
            }
        }

        return schedule;
    }
}
