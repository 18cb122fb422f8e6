using System.Globalization;
using System.Text.RegularExpressions;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>A command typed to the bot (or to the outgoing webhook) in Microsoft Teams.</summary>
public abstract record ChatCommand;

public sealed record MyCases : ChatCommand;

public sealed record TakeCase(string CaseId) : ChatCommand;

/// <summary>Ask a teammate for help; without <see cref="AssistantId"/> a teammate with spare capacity is chosen.</summary>
public sealed record AskHelp(string CaseId, string? AssistantId) : ChatCommand;

public sealed record ResolveFromChat(string CaseId, string Resolution) : ChatCommand;

public sealed record SpillFromChat(string CaseId, string Reason) : ChatCommand;

public sealed record ListShifts : ChatCommand;

public sealed record ClaimShift(string ShiftId) : ChatCommand;

public sealed record SwapShift(string ShiftId, string WithAgentId) : ChatCommand;

/// <summary>An item for the team's open retrospective; an anonymous one keeps no author.</summary>
public sealed record AddRetroItem(Domain.Retrospectives.RetroItemKind Kind, string Text, bool Anonymous) : ChatCommand;

/// <summary>Time off for whole days, <see cref="From"/> to <see cref="To"/> inclusive.</summary>
public sealed record RequestTimeOff(DateOnly From, DateOnly To) : ChatCommand;

/// <summary>"help" alone, or an empty message: the list of commands.</summary>
public sealed record Usage : ChatCommand;

/// <summary>Text that is not a command, with what was wrong; nothing is done.</summary>
public sealed record NotUnderstood(string Problem) : ChatCommand;

/// <summary>
/// The pure parser of chat commands. Teams puts the bot's @mention (<c>&lt;at&gt;Name&lt;/at&gt;</c>)
/// and sometimes HTML into the text; both are removed before parsing. Keywords are
/// case-insensitive; ids are kept as typed and checked against the id rules.
/// </summary>
public static partial class ChatCommandParser
{
    public const int MaxLength = 1000;
    public const int MaxTimeOffDays = 31;

    public const string Help = """
        my cases — the cases you hold or are offered
        take <case> — take a case offered to you
        help <case> [with <agent>] — ask a teammate to assist
        resolve <case> [resolution] — resolve your case
        spill <case> [reason] — ask another team to help now
        shifts — your coming shifts
        claim <shift> — claim an open shift
        swap <shift> with <agent> — propose a shift swap
        time off <yyyy-mm-dd>[..<yyyy-mm-dd>] — request time off
        retro <well|improve|idea> [anonymously] <text> — add an item to your team's open retrospective
        """;

    public static ChatCommand Parse(string? text)
    {
        if (text is null)
        {
            return new Usage();
        }

        if (text.Length > MaxLength * 4)
        {
            return new NotUnderstood($"the message is longer than {MaxLength} characters");
        }

        var clean = Whitespace().Replace(Markup().Replace(Mention().Replace(text, " "), " "), " ").Trim();
        clean = System.Net.WebUtility.HtmlDecode(clean).Trim();
        if (clean.Length > MaxLength)
        {
            return new NotUnderstood($"the message is longer than {MaxLength} characters");
        }

        var words = clean.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string Rest(int from) => string.Join(' ', words.Skip(from));
        bool Is(int i, string word) => words.Length > i && string.Equals(words[i], word, StringComparison.OrdinalIgnoreCase);

        return words switch
        {
            [] => new Usage(),
            ["help" or "Help" or "HELP" or "?"] => new Usage(),
            _ when Is(0, "my") && Is(1, "cases") && words.Length == 2 => new MyCases(),
            _ when Is(0, "take") => words.Length == 2 ? Case(words[1], id => new TakeCase(id)) : Expect("take <case>"),
            _ when Is(0, "help") => words.Length switch
            {
                2 => Case(words[1], id => new AskHelp(id, null)),
                4 when Is(2, "with") => Case(words[1], id => Ids.IsValid(words[3]) ? new AskHelp(id, words[3]) : Invalid("agent", words[3])),
                _ => Expect("help <case> [with <agent>]"),
            },
            _ when Is(0, "resolve") => words.Length >= 2
                ? Case(words[1], id => new ResolveFromChat(id, words.Length > 2 ? Rest(2) : "resolved from Microsoft Teams"))
                : Expect("resolve <case> [resolution]"),
            _ when Is(0, "spill") => words.Length >= 2
                ? Case(words[1], id => new SpillFromChat(id, words.Length > 2 ? Rest(2) : "spill-over asked from Microsoft Teams"))
                : Expect("spill <case> [reason]"),
            _ when Is(0, "shifts") && words.Length == 1 => new ListShifts(),
            _ when Is(0, "claim") => words.Length == 2 && Ids.IsValid(words[1]) ? new ClaimShift(words[1]) : Expect("claim <shift>"),
            _ when Is(0, "swap") => words.Length == 4 && Is(2, "with") && Ids.IsValid(words[1]) && Ids.IsValid(words[3])
                ? new SwapShift(words[1], words[3])
                : Expect("swap <shift> with <agent>"),
            _ when Is(0, "time") && Is(1, "off") => TimeOff(words.Skip(2).ToArray()),
            _ when Is(0, "retro") => RetroItem(words.Skip(1).ToArray()),
            _ => new NotUnderstood($"'{Clip(words[0])}' is not a command"),
        };
    }

    private static ChatCommand Case(string id, Func<string, ChatCommand> then) =>
        CaseIds.CustomerOf(id) is null ? Invalid("case", id) : then(id);

    private static NotUnderstood Invalid(string what, string value) => new($"'{Clip(value)}' is not a valid {what} id");

    private static NotUnderstood Expect(string form) => new($"expected: {form}");

    private static ChatCommand TimeOff(string[] words)
    {
        // "2026-12-01", "2026-12-01..2026-12-03", "2026-12-01 to 2026-12-03", "2026-12-01 - 2026-12-03"
        var parts = words switch
        {
            [var one] when one.Contains("..", StringComparison.Ordinal) => one.Split("..", 2),
            [var one] => [one, one],
            [var a, "to" or "-" or "until", var b] => [a, b],
            _ => null,
        };
        if (parts is null || !Date(parts[0], out var from) || !Date(parts[1], out var to))
        {
            return Expect("time off <yyyy-mm-dd>[..<yyyy-mm-dd>]");
        }

        if (to < from)
        {
            return new NotUnderstood($"time off ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd})");
        }

        return to.DayNumber - from.DayNumber + 1 > MaxTimeOffDays
            ? new NotUnderstood($"time off is at most {MaxTimeOffDays} days per request")
            : new RequestTimeOff(from, to);
    }

    private static ChatCommand RetroItem(string[] words)
    {
        Domain.Retrospectives.RetroItemKind? kind = words.Length == 0 ? null : words[0].ToLowerInvariant() switch
        {
            "well" or "went-well" => Domain.Retrospectives.RetroItemKind.WentWell,
            "improve" or "to-improve" => Domain.Retrospectives.RetroItemKind.ToImprove,
            "idea" => Domain.Retrospectives.RetroItemKind.Idea,
            _ => null,
        };
        var anonymous = words.Length > 1 && (words[1].Equals("anonymously", StringComparison.OrdinalIgnoreCase) || words[1].Equals("anonymous", StringComparison.OrdinalIgnoreCase));
        var text = string.Join(' ', words.Skip(anonymous ? 2 : 1));
        return kind is null || text.Length == 0
            ? Expect("retro <well|improve|idea> [anonymously] <text>")
            : new AddRetroItem(kind.Value, text, anonymous);
    }

    private static bool Date(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "..." : value;

    [GeneratedRegex("<at>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 100)]
    private static partial Regex Mention();

    [GeneratedRegex("<[^>]{0,200}>", RegexOptions.Singleline, matchTimeoutMilliseconds: 100)]
    private static partial Regex Markup();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex Whitespace();
}
