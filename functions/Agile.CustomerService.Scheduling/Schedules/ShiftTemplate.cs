namespace Agile.CustomerService.Scheduling;

/// <summary>A shift the team works: its start, its length and its activity. A shift may run past midnight.</summary>
public sealed record ShiftTemplate(string Id, TimeOnly Start, TimeSpan Length, ShiftActivity Activity);
