using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Host.Http;

/// <summary>Field checks for request bodies; each returns the first problem as text, or null.</summary>
internal static class Validate
{
    public static string? Id(string field, string? value) =>
        Ids.IsValid(value) ? null : $"{field} must be 1-{Ids.MaxLength} letters, digits, '.', '_' or '-' (got '{Clip(value)}')";

    public static string? Text(string field, string? value, int max, bool required = true) => value switch
    {
        null or "" when required => $"{field} is required",
        null or "" => null,
        { Length: var n } when n > max => $"{field} must be at most {max} characters",
        _ => null,
    };

    public static string? Range(string field, int value, int min, int max) =>
        value < min || value > max ? $"{field} must be between {min} and {max} (got {value})" : null;

    public static string? Defined<TEnum>(string field, TEnum? value)
        where TEnum : struct, Enum =>
        value is { } v && Enum.IsDefined(v) ? null : $"{field} must be one of {string.Join(", ", Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}";

    public static IResult? First(params string?[] problems) =>
        FirstProblem(problems) is { } problem ? HttpResults.BadRequest(problem) : null;

    public static string? FirstProblem(params string?[] problems) => problems.FirstOrDefault(p => p is not null);

    private static string Clip(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "..." : value;
}
