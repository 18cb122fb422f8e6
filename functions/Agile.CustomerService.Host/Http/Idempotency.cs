namespace Agile.CustomerService.Host.Http;

/// <summary>The Idempotency-Key header every mutation takes: a repeat with the same key returns the first result.</summary>
internal static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    /// <summary>The request's key, or null when it is missing or longer than <see cref="MaxLength"/>.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        var key = request.Headers[Header].ToString();
        return key.Length is > 0 and <= MaxLength ? key : null;
    }

    public static IResult MissingKey() =>
        HttpResults.BadRequest($"an {Header} header (1-{MaxLength} characters) is required; repeat it to retry safely");
}
