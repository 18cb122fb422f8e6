using System.Buffers;
using System.Text.Json;
using Agile.CustomerService.Application;


namespace Agile.CustomerService.Host.Http;

/// <summary>Turns application outcomes into HTTP responses; problems become RFC 9457 ProblemDetails.</summary>
internal static class HttpResults
{
    public static IResult ToHttp(this Outcome outcome) => outcome switch
    {
        Success s => new JsonText(s.Status, s.BodyJson, s.ETag, s.Location),
        Problem p => Results.Problem(title: p.Title, detail: p.Detail, statusCode: p.Status),
        _ => Results.Problem(statusCode: 500),
    };

    public static IResult Json<T>(T value, string? etag = null) => new JsonText(200, Application.Storage.Json.Write(value), etag, null);

    public static IResult NotFound(string detail) => Results.Problem(title: "Not found", detail: detail, statusCode: 404);

    public static IResult BadRequest(string detail) => Results.Problem(title: "Bad request", detail: detail, statusCode: 400);

    /// <summary>A JSON body already serialised (kept verbatim for idempotent replays).</summary>
    private sealed class JsonText(int status, string json, string? etag, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            if (etag is not null)
            {
                response.Headers.ETag = etag;
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            await response.WriteAsync(json, httpContext.RequestAborted);
        }
    }
}

/// <summary>Reads a JSON body into a request record, naming what is wrong when it cannot.</summary>
internal static class Body
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, string? Raw, IResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, null, TooLarge());
        }

        // The buffer is rented: a new one per request (128 KB, on the large object heap) made
        // every request's body a full garbage collection's worth of allocation (docs/performance.md).
        string raw;
        var buffer = ArrayPool<char>.Shared.Rent(MaxBytes + 1);
        try
        {
            using var reader = new StreamReader(request.Body);
            var read = await reader.ReadBlockAsync(buffer.AsMemory(0, MaxBytes + 1), request.HttpContext.RequestAborted);
            if (read > MaxBytes)
            {
                return (null, null, TooLarge());
            }

            raw = new string(buffer, 0, read);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, raw, HttpResults.BadRequest("a JSON body is required"));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(raw, Application.Storage.Json.Options);
            return value is null
                ? (null, raw, HttpResults.BadRequest("the JSON body must be an object"))
                : (value, raw, null);
        }
        catch (JsonException ex)
        {
            // The serializer's own message names internal types; say where the problem is instead.
            var detail = ex.Path is { Length: > 1 } path
                ? $"malformed JSON body: the value at {path} is not valid (wrong type, or not one of the allowed values)"
                : $"malformed JSON body: {ex.Message.Split(" Path:")[0]}";
            return (null, raw, HttpResults.BadRequest(detail));
        }
    }

    private static IResult TooLarge() =>
        Results.Problem(title: "Payload too large", detail: $"the body must be at most {MaxBytes} bytes", statusCode: 413);
}
