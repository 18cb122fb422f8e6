using Agile.CustomerService.Scheduling;

namespace Agile.CustomerService.Scheduling.Bench;

/// <summary>
/// Deterministic benchmark instances: a contact-centre team (or a region of such teams pooled) over 4 weeks at
/// 30-minute intervals, with phone, chat and back-office needs, part-timers, availability, time off and preferences.
/// </summary>
internal static class BenchInstances
{
    public static readonly DateOnly Start = new(2026, 11, 30);

    public static Schedule Team(int agents, int seed)
    {
        var random = new Random(seed);
        var teams = Math.Max(1, agents / 15);
        var period = new SchedulePeriod(Start, 4, "Europe/Amsterdam");
        ShiftTemplate[] templates =
        [
            new("phone-early", new TimeOnly(7, 30), TimeSpan.FromHours(8), ShiftActivity.Phone),
            new("phone-day", new TimeOnly(9, 0), TimeSpan.FromHours(8), ShiftActivity.Phone),
            new("phone-mid", new TimeOnly(11, 0), TimeSpan.FromHours(8), ShiftActivity.Phone),
            new("phone-late", new TimeOnly(13, 30), TimeSpan.FromHours(8), ShiftActivity.Phone),
            new("phone-evening", new TimeOnly(17, 0), TimeSpan.FromHours(4), ShiftActivity.Phone),
            new("chat-early", new TimeOnly(8, 0), TimeSpan.FromHours(8), ShiftActivity.Chat),
            new("chat-late", new TimeOnly(13, 0), TimeSpan.FromHours(8), ShiftActivity.Chat),
            new("backoffice-day", new TimeOnly(9, 0), TimeSpan.FromHours(8), ShiftActivity.BackOffice),
        ];
        var needs = new List<CoverageNeed>();
        foreach (var date in period.Dates)
        {
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var monday = date.DayOfWeek == DayOfWeek.Monday ? 1 : 0;
            if (weekend)
            {
                needs.Add(Need(ShiftActivity.Phone, date, 9, 18, 2 * teams));
                needs.Add(Need(ShiftActivity.Chat, date, 10, 18, teams));
                continue;
            }

            needs.Add(Need(ShiftActivity.Phone, date, 8, 9, 2 * teams));
            needs.Add(Need(ShiftActivity.Phone, date, 9, 12, (4 + monday) * teams));
            needs.Add(Need(ShiftActivity.Phone, date, 12, 14, 3 * teams));
            needs.Add(Need(ShiftActivity.Phone, date, 14, 17, 4 * teams));
            needs.Add(Need(ShiftActivity.Phone, date, 17, 19, 3 * teams));
            needs.Add(Need(ShiftActivity.Phone, date, 19, 21, 2 * teams));
            needs.Add(Need(ShiftActivity.Chat, date, 8, 12, teams));
            needs.Add(Need(ShiftActivity.Chat, date, 12, 18, 2 * teams));
            needs.Add(Need(ShiftActivity.Chat, date, 18, 21, teams));
            needs.Add(Need(ShiftActivity.BackOffice, date, 9, 17, 2 * teams));
        }

        var people = new List<Agent>();
        var timeOff = new List<TimeOff>();
        for (var i = 0; i < agents; i++)
        {
            var kind = i % 15;
            var id = $"agent-{i + 1:000}";
            var (contract, max) = kind switch
            {
                < 10 => (36, 40),
                < 13 => (24, 28),
                _ => (20, 24),
            };
            List<string> skills = ["phone"];
            if (kind % 5 is 0 or 1 or 3)
            {
                skills.Add("chat");
            }

            if (kind % 3 == 2)
            {
                skills.Add("backoffice");
            }

            IReadOnlyList<AvailabilityWindow> availability = kind >= 13
                ? [.. Enumerable.Range(1, 5).Select(d => new AvailabilityWindow((DayOfWeek)d, new TimeOnly(7, 0), new TimeOnly(19, 0)))]
                : [];
            var preferences = new ShiftPreferences(
                [],
                random.Next(3) == 0 ? [DayOfWeek.Sunday] : [],
                random.Next(2) == 0 ? [templates[random.Next(templates.Length)].Id] : [],
                random.Next(3) == 0 ? ["phone-late"] : []);
            people.Add(new Agent(id, skills, TimeSpan.FromHours(contract), TimeSpan.FromHours(max), availability, preferences));
            if (random.Next(5) == 0)
            {
                var from = Start.AddDays(random.Next(24));
                timeOff.Add(new TimeOff(Guid.CreateVersion7(), id, from.ToDateTime(TimeOnly.MinValue), from.AddDays(1 + random.Next(3)).ToDateTime(TimeOnly.MinValue)));
            }
        }

        return new Schedule(
            period,
            LabourRules.Default,
            people,
            templates,
            needs,
            [new(ShiftActivity.Phone, ["phone"]), new(ShiftActivity.Chat, ["chat"]), new(ShiftActivity.BackOffice, ["backoffice"])],
            [],
            timeOff);
    }

    private static CoverageNeed Need(ShiftActivity activity, DateOnly date, int from, int until, int agents) =>
        new(activity, date, new TimeOnly(from, 0), until == 24 ? TimeOnly.MinValue : new TimeOnly(until, 0), agents);
}
