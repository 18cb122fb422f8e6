using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agile.CustomerService.Host.Functions;

/// <summary>
/// The custom-handler invocation contract for non-HTTP triggers: the host POSTs
/// <c>{"Data": {binding: value}, "Metadata": {...}}</c> to <c>/{FunctionName}</c> and reads
/// <c>{"Outputs": {binding: value}, "Logs": [...], "ReturnValue": ...}</c> back. Any non-2xx
/// answer fails the invocation: the host retries it and, past the entity's max delivery
/// count, dead-letters the message.
/// </summary>
internal sealed class Invocation
{
    private readonly JsonElement _data;
    private readonly JsonElement _metadata;

    private Invocation(JsonElement data, JsonElement metadata)
    {
        _data = data;
        _metadata = metadata;
    }

    public static async Task<Invocation> ParseAsync(Stream json, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(json, cancellationToken: cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationException($"the invocation payload must be a JSON object, not {root.ValueKind}");
        }

        var data = root.TryGetProperty("Data", out var d) ? d.Clone() : default;
        var metadata = root.TryGetProperty("Metadata", out var m) ? m.Clone() : default;
        return new Invocation(data, metadata);
    }

    /// <summary>
    /// A binding's value. Strings arrive JSON-encoded (a Service Bus body or the Cosmos DB trigger's
    /// document array is a JSON string containing JSON): decode once, and again if still a string.
    /// </summary>
    public JsonElement Data(string binding)
    {
        if (_data.ValueKind != JsonValueKind.Object || !_data.TryGetProperty(binding, out var value))
        {
            throw new InvocationException($"the invocation has no Data.{binding}");
        }

        for (var i = 0; i < 2 && value.ValueKind == JsonValueKind.String; i++)
        {
            var text = value.GetString()!;
            try
            {
                value = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                break;
            }
        }

        return value;
    }

    /// <summary>
    /// A trigger's messages: one for a single-message trigger, each element of the array for a
    /// batch (<c>"cardinality": "many"</c>), every element decoded as <see cref="Data"/> decodes one.
    /// </summary>
    public IReadOnlyList<JsonElement> Items(string binding)
    {
        var value = Data(binding);
        return value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(Decode)] : [value];
    }

    private static JsonElement Decode(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        try
        {
            return JsonDocument.Parse(value.GetString()!).RootElement.Clone();
        }
        catch (JsonException)
        {
            return value;
        }
    }

    /// <summary>A metadata value as text; metadata strings arrive quoted and numbers as strings.</summary>
    public string? Metadata(string key)
    {
        if (_metadata.ValueKind != JsonValueKind.Object || !_metadata.TryGetProperty(key, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        return text is { Length: >= 2 } && text[0] == '"' && text[^1] == '"' ? JsonSerializer.Deserialize<string>(text) : text;
    }
}

internal sealed class InvocationException(string message) : Exception(message);

/// <summary>What a function answers: outputs by binding name, log lines for the host's invocation log.</summary>
internal sealed class InvocationResult
{
    public JsonObject Outputs { get; } = [];

    public List<string> Logs { get; } = [];

    public IResult ToHttp() => Results.Json(new JsonObject
    {
        [nameof(Outputs)] = Outputs.DeepClone(),
        [nameof(Logs)] = new JsonArray([.. Logs.Select(l => JsonValue.Create(l))]),
        ["ReturnValue"] = null,
    });
}
