using System.Text.RegularExpressions;

namespace Agile.CustomerService.Domain.Organisation;

/// <summary>Ids chosen by admins (regions, teams, agents, customers): short, URL-safe, readable.</summary>
public static partial class Ids
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Pattern();
}
