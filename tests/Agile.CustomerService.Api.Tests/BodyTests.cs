using System.Text;
using Agile.CustomerService.Host.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// A request body is measured as it is read when it comes without a Content-Length (a chunked
/// or streaming client): the limit holds to the character, through the rented read buffer.
/// </summary>
public class BodyTests
{
    private sealed record Note(string? Text);

    private static async Task<(Note? Value, string? Raw, IResult? Error)> ReadUnsizedAsync(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        Assert.Null(context.Request.ContentLength);
        return await Body.ReadAsync<Note>(context.Request);
    }

    private static string NoteOfLength(int total)
    {
        const string head = "{\"text\":\"";
        const string tail = "\"}";
        return head + new string('x', total - head.Length - tail.Length) + tail;
    }

    [Fact]
    public async Task Unsized_AtTheLimit_IsReadWhole()
    {
        var body = NoteOfLength(Body.MaxBytes);

        var (value, raw, error) = await ReadUnsizedAsync(body);

        Assert.Null(error);
        Assert.Equal(body, raw);
        Assert.Equal(Body.MaxBytes - 11, value!.Text!.Length);
    }

    [Fact]
    public async Task Unsized_OneOverTheLimit_Is413()
    {
        var (value, raw, error) = await ReadUnsizedAsync(NoteOfLength(Body.MaxBytes + 1));

        Assert.Null(value);
        Assert.Null(raw);
        Assert.Equal(413, Assert.IsType<ProblemHttpResult>(error).StatusCode);
    }

    [Fact]
    public async Task Unsized_ReadsOneAfterAnother_DoNotSeeEachOthersBytes()
    {
        await ReadUnsizedAsync(NoteOfLength(5_000));

        var (value, raw, error) = await ReadUnsizedAsync("""{"text":"short"}""");

        Assert.Null(error);
        Assert.Equal("""{"text":"short"}""", raw);
        Assert.Equal("short", value!.Text);
    }
}
