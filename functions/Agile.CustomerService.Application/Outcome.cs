namespace Agile.CustomerService.Application;

/// <summary>
/// The result of an operation as the HTTP edge needs it: a success with its JSON body
/// (kept verbatim for idempotent replays), or a problem (RFC 9457) that wrote nothing.
/// </summary>
public abstract record Outcome;

public sealed record Success(int Status, string BodyJson, string? ETag = null, string? Location = null) : Outcome;

public sealed record Problem(int Status, string Title, string Detail) : Outcome
{
    public static Problem NotFound(string detail) => new(404, "Not found", detail);

    public static Problem Conflict(string detail) => new(409, "Conflict", detail);

    public static Problem Invalid(string detail) => new(422, "Unprocessable request", detail);

    public static Problem Stale(string detail) => new(412, "Precondition failed", detail);

    public static Problem PreconditionRequired(string detail) => new(428, "Precondition required", detail);
}
