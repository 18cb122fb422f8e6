using System.Text.Json.Nodes;
using Agile.CustomerService.Application.MicrosoftTeams;

namespace Agile.CustomerService.Host.MicrosoftTeams;

/// <summary>
/// Renders chat replies as Adaptive Cards 1.5 (what Teams renders). Cards are JSON built as
/// nodes, so user text is carried as JSON strings: nothing is concatenated into markup.
/// Bot cards use Action.Execute (the bot receives the adaptiveCard/action invoke); webhook
/// cards may only use Action.OpenUrl.
/// </summary>
internal static class AdaptiveCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Card(ChatReply reply, string? openUrlBase = null, bool execute = true)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = reply.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true, ["color"] = reply.Ok ? "Default" : "Attention" },
        };
        foreach (var line in reply.Lines)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = Plain(line), ["wrap"] = true });
        }

        var actions = new JsonArray();
        foreach (var action in reply.Actions.Take(6))
        {
            if (execute)
            {
                actions.Add(new JsonObject
                {
                    ["type"] = "Action.Execute",
                    ["title"] = Plain(action.Title),
                    ["verb"] = action.Verb,
                    ["data"] = new JsonObject { ["target"] = action.Target },
                });
            }
            else if (openUrlBase is not null)
            {
                actions.Add(new JsonObject
                {
                    ["type"] = "Action.OpenUrl",
                    ["title"] = "Open case",
                    ["url"] = $"{openUrlBase}/api/cases/{Uri.EscapeDataString(action.Target)}",
                });
            }
        }

        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return card;
    }

    public static JsonObject Attachment(JsonObject card) => new() { ["contentType"] = ContentType, ["content"] = card };

    /// <summary>A message activity carrying one card.</summary>
    public static JsonObject Message(JsonObject card, string? replyToId = null)
    {
        var message = new JsonObject { ["type"] = "message", ["attachments"] = new JsonArray { Attachment(card) } };
        if (replyToId is not null)
        {
            message["replyToId"] = replyToId;
        }

        return message;
    }

    /// <summary>The response Teams expects to an adaptiveCard/action invoke: the card that replaces the one clicked.</summary>
    public static JsonObject InvokeResponse(JsonObject card) => new()
    {
        ["statusCode"] = 200,
        ["type"] = ContentType,
        ["value"] = card,
    };

    /// <summary>
    /// Adaptive Card TextBlocks render a Markdown subset: a link written by a user could point
    /// anywhere. Brackets from user text are neutralised so no link can be formed from it.
    /// </summary>
    private static string Plain(string text) => text.Replace("[", "(", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal);
}
