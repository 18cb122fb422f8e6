namespace Agile.CustomerService.Scheduling;

/// <summary>What an agent on shift works on: voice, non-voice or back-office work.</summary>
public enum ShiftActivity
{
    Phone,
    Chat,
    BackOffice,
}

/// <summary>The skills an agent needs to count towards the coverage of an activity.</summary>
public sealed record ActivitySkills(ShiftActivity Activity, IReadOnlyList<string> Skills);
