using System.Diagnostics;
using System.Globalization;
using Agile.CustomerService.Scheduling;
using Agile.CustomerService.Scheduling.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var only = args.Length > 0 ? args[0] : "all";
var scale = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0;
Console.WriteLine($"Agile.CustomerService.Scheduling bench: {Environment.ProcessorCount} cores, {RuntimeInformationText()}");

ShiftSuggestion? region = null;
if (only is "all" or "team")
{
    Solve("15-agent team, 4 weeks, whole period", BenchInstances.Team(15, seed: 1), TimeSpan.FromSeconds(5 * scale));
    var team = BenchInstances.Team(15, seed: 1);
    var half = Solve("15-agent team, 4 weeks, warm-up for fill-gaps", team, TimeSpan.FromSeconds(5 * scale), print: false);
    var claimed = team with { Shifts = [.. half.Schedule.Shifts.Where((s, i) => i % 2 == 0)] };
    Solve("15-agent team, 4 weeks, fill gaps (half claimed)", claimed, TimeSpan.FromSeconds(5 * scale));
}

if (only is "all" or "region")
{
    region = Solve("150-agent region, 4 weeks, whole period", BenchInstances.Team(150, seed: 2), TimeSpan.FromSeconds(60 * scale));
    Revalidate(region.Schedule);
}

static ShiftSuggestion Solve(string name, Schedule schedule, TimeSpan limit, bool print = true)
{
    var suggestion = ShiftSuggestions.Suggest(schedule, new SuggestionOptions(limit, Workers: 2, Seed: 1), Guid.CreateVersion7);
    if (!print)
    {
        return suggestion;
    }

    var totals = suggestion.Coverage.Totals;
    var fairness = suggestion.Coverage.Fairness;
    Console.WriteLine();
    Console.WriteLine($"## {name} (limit {limit.TotalSeconds:0} s, 2 workers, seed 1)");
    Console.WriteLine($"solve time        {suggestion.SolveTime.TotalSeconds:0.00} s");
    Console.WriteLine($"status            {suggestion.Status}");
    Console.WriteLine($"need              {totals.Need} agent-intervals ({totals.Need / 2.0:0} agent-hours)");
    Console.WriteLine($"shortfall         {suggestion.Shortfall} agent-intervals; proven lower bound {suggestion.ShortfallLowerBound}");
    Console.WriteLine($"coverage          {totals.CoveragePercent:0.00}% of need; best possible {100.0 * (totals.Need - suggestion.ShortfallLowerBound) / totals.Need:0.00}%");
    Console.WriteLine($"coverage gap      {suggestion.CoverageGapPercent:0.00}%");
    Console.WriteLine($"fairness spread   hours {fairness.Hours.TotalHours:0.#} h, weekend days {fairness.WeekendDays}, late shifts {fairness.LateShifts} (unfairness {suggestion.Unfairness})");
    Console.WriteLine($"preferences       {suggestion.UnmetPreferences} unmet; {suggestion.Shifts.Count} shifts suggested, surplus {totals.Surplus} agent-intervals");
    foreach (var stage in suggestion.Stages)
    {
        Console.WriteLine($"  stage {stage.Name,-12} {stage.Status,-9} objective {stage.Objective,7} bound {stage.BestBound,7} gap {stage.GapPercent,6:0.00}% in {stage.WallTime.TotalSeconds:0.00} s");
    }

    var broken = ScheduleRules.ValidateLabourRules(suggestion.Schedule).Violations.Count
        + suggestion.Schedule.Agents.Sum(a => ScheduleRules.ValidateAvailability(suggestion.Schedule, a.Id).Violations.Count);
    Console.WriteLine($"hard rules broken {broken}");
    return suggestion;
}

static void Revalidate(Schedule schedule)
{
    const int Runs = 201;
    var shifts = schedule.Shifts.Where(s => s.AgentId is not null).ToList();
    var mine = shifts.First(s => s.Date.DayOfWeek == DayOfWeek.Wednesday && s.Activity == ShiftActivity.Phone);
    var theirs = shifts.First(s => s.Date == mine.Date && s.Activity == ShiftActivity.Phone && s.AgentId != mine.AgentId && s.Start != mine.Start);
    var swap = new SwapShifts(Guid.CreateVersion7(), mine.AgentId!, mine.Id, theirs.AgentId!, theirs.Id);
    var timeOff = new RequestTimeOff(Guid.CreateVersion7(), mine.AgentId!, mine.Date.ToDateTime(TimeOnly.MinValue), mine.Date.AddDays(2).ToDateTime(TimeOnly.MinValue));
    Console.WriteLine();
    Console.WriteLine($"## re-validation on the 150-agent schedule ({schedule.Shifts.Count} shifts), median of {Runs} runs");
    Measure("swap", () => ShiftDecisions.Decide(schedule, swap));
    Measure("time off", () => ShiftDecisions.Decide(schedule, timeOff));

    static void Measure(string what, Func<ScheduleDecision> decide)
    {
        var decision = decide();
        var samples = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            decision = decide();
            samples[i] = watch.Elapsed.TotalMicroseconds;
        }

        Array.Sort(samples);
        Console.WriteLine($"{what,-9} median {samples[Runs / 2],8:0} us, p95 {samples[(int)(Runs * 0.95)],8:0} us ({decision.GetType().Name})");
    }
}

static string RuntimeInformationText() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
