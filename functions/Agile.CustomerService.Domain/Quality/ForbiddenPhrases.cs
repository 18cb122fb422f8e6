using System.Text;
using System.Text.RegularExpressions;

namespace Agile.CustomerService.Domain.Quality;

/// <summary>How an entry of a team's list is matched: a literal phrase (whole words) or a regular expression.</summary>
public enum PhraseKind
{
    Phrase,
    Pattern,
}

/// <summary>
/// One thing that must never be said or disclosed (DOMAIN.md point 9): a phrase such as
/// "not my problem", or a pattern for information such as card numbers.
/// </summary>
public sealed record ForbiddenPhrase(string Id, PhraseKind Kind, string Text, string Label);

/// <summary>Where a transcript breaks a rule. The excerpt shows the context with the match itself redacted.</summary>
public sealed record PhraseMatch(string PhraseId, string Label, int Offset, int Length, string Excerpt);

/// <summary>
/// The quality check: a transcript against a team's list of forbidden phrases. Nothing else is
/// scored. Matching is case-insensitive; literal phrases match whole words only, with any run of
/// white space between their words; patterns run on the non-backtracking engine (linear time, no
/// catastrophic backtracking) with a match timeout as a second guard.
/// </summary>
public static class ForbiddenPhrases
{
    public const int MaxEntries = 100;
    public const int MaxTextLength = 200;
    public const int MaxMatchesPerTranscript = 200;
    public const int ExcerptContext = 30;
    public const string Redacted = "[redacted]";
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The problem with an entry, or null when it can be used.</summary>
    public static string? Problem(ForbiddenPhrase phrase)
    {
        if (string.IsNullOrWhiteSpace(phrase.Text))
        {
            return "text is required";
        }

        if (phrase.Text.Length > MaxTextLength)
        {
            return $"text must be at most {MaxTextLength} characters";
        }

        try
        {
            var regex = Compile(phrase);
            return regex.IsMatch(string.Empty) ? $"'{phrase.Text}' matches empty text; it would flag every transcript" : null;
        }
        catch (ArgumentException ex)
        {
            return $"'{phrase.Text}' is not a usable pattern: {ex.Message}";
        }
        catch (NotSupportedException ex)
        {
            // The non-backtracking engine has no backreferences, lookarounds or atomic groups.
            return $"'{phrase.Text}' is not a usable pattern: {ex.Message}";
        }
    }

    /// <summary>Every match of every entry in the text, in order of position (at most <see cref="MaxMatchesPerTranscript"/>).</summary>
    public static IReadOnlyList<PhraseMatch> Check(IReadOnlyList<ForbiddenPhrase> phrases, string text)
    {
        var spans = new List<(ForbiddenPhrase Phrase, int Offset, int Length, bool TimedOut)>();
        foreach (var phrase in phrases)
        {
            var regex = Compile(phrase);
            try
            {
                foreach (Match m in regex.Matches(text))
                {
                    if (m.Length == 0)
                    {
                        continue;
                    }

                    spans.Add((phrase, m.Index, m.Length, false));
                    if (spans.Count >= MaxMatchesPerTranscript * 2)
                    {
                        break;
                    }
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern too slow to finish counts as a match for review rather than a silent pass.
                spans.Add((phrase, 0, 0, true));
            }
        }

        // Every excerpt redacts every match it overlaps, not only its own: a card number next to a
        // forbidden phrase must not show up in the phrase's excerpt.
        var redact = spans.Where(s => !s.TimedOut).Select(s => (s.Offset, s.Length)).ToList();
        return [.. spans
            .OrderBy(s => s.Offset).ThenBy(s => s.Phrase.Id, StringComparer.Ordinal)
            .Take(MaxMatchesPerTranscript)
            .Select(s => new PhraseMatch(s.Phrase.Id, s.Phrase.Label, s.Offset, s.Length,
                s.TimedOut ? "(check timed out: review by hand)" : Excerpt(text, s.Offset, s.Length, redact)))];
    }

    /// <summary>The regular expression an entry stands for.</summary>
    public static Regex Compile(ForbiddenPhrase phrase)
    {
        var pattern = phrase.Kind == PhraseKind.Phrase ? PhrasePattern(phrase.Text) : phrase.Text;
        return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
    }

    /// <summary>A literal phrase as a pattern: words escaped, white space flexible, word boundaries where the phrase starts or ends with a word character.</summary>
    public static string PhrasePattern(string phrase)
    {
        var words = phrase.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var body = string.Join(@"\s+", words.Select(Regex.Escape));
        var trimmed = string.Join(' ', words);
        var builder = new StringBuilder();
        if (trimmed.Length > 0 && IsWordChar(trimmed[0]))
        {
            builder.Append(@"\b");
        }

        builder.Append(body);
        if (trimmed.Length > 0 && IsWordChar(trimmed[^1]))
        {
            builder.Append(@"\b");
        }

        return builder.ToString();
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static string Excerpt(string text, int offset, int length, IReadOnlyList<(int Offset, int Length)> redact)
    {
        var start = Math.Max(0, offset - ExcerptContext);
        var end = Math.Min(text.Length, offset + length + ExcerptContext);
        var builder = new StringBuilder();
        var at = start;
        foreach (var (o, l) in redact.Where(r => r.Offset < end && r.Offset + r.Length > start).OrderBy(r => r.Offset))
        {
            if (o + l <= at)
            {
                continue;
            }

            builder.Append(Flat(text[at..Math.Max(at, o)])).Append(' ').Append(Redacted).Append(' ');
            at = Math.Min(end, Math.Max(at, o + l));
        }

        builder.Append(Flat(text[at..end]));
        var body = string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return $"{(start > 0 ? "..." : "")}{body}{(end < text.Length ? "..." : "")}";
    }

    private static string Flat(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
