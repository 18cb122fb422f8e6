using System.Diagnostics;
using Agile.CustomerService.Domain.Quality;

namespace Agile.CustomerService.Domain.Tests.Quality;

public class ForbiddenPhrasesTests
{
    private static ForbiddenPhrase Phrase(string text, string id = "p1") => new(id, PhraseKind.Phrase, text, text);

    private static ForbiddenPhrase Pattern(string text, string label = "card number", string id = "r1") => new(id, PhraseKind.Pattern, text, label);

    private const string CardPattern = @"\b(?:\d[ -]?){13,19}\b";

    [Fact]
    public void Check_PhraseInOtherCase_IsFound()
    {
        var matches = ForbiddenPhrases.Check([Phrase("not my problem")], "Agent: Honestly, that is NOT MY PROBLEM, sir.");

        var match = Assert.Single(matches);
        Assert.Equal("p1", match.PhraseId);
        Assert.Equal(25, match.Offset);
        Assert.Equal(14, match.Length);
    }

    [Fact]
    public void Check_PhraseInsideALongerWord_IsNotFound()
    {
        var matches = ForbiddenPhrases.Check([Phrase("idiot"), Phrase("hell", "p2")], "Idiotic rules; hello there; the shell script");

        Assert.Empty(matches);
    }

    [Fact]
    public void Check_PhraseAcrossLineBreakAndSpaces_IsFound()
    {
        var matches = ForbiddenPhrases.Check([Phrase("calm   down")], "Please calm\r\n  down now");

        Assert.Single(matches);
    }

    [Fact]
    public void Check_PhraseWithRegexCharacters_IsMatchedLiterally()
    {
        var phrases = new[] { Phrase("100% guaranteed"), Phrase("(c) policy", "p2") };

        Assert.Single(ForbiddenPhrases.Check(phrases, "It is 100% guaranteed."));
        Assert.Empty(ForbiddenPhrases.Check(phrases, "It is 1000 guaranteed; c policy"));
    }

    [Fact]
    public void Check_PhraseEndingInPunctuation_MatchesBeforeAnything()
    {
        var matches = ForbiddenPhrases.Check([Phrase("trust me!")], "Trust me!! It works");

        Assert.Single(matches);
    }

    [Theory]
    [InlineData("my card is 4111 1111 1111 1111 ok", true)]
    [InlineData("card 4111-1111-1111-1111", true)]
    [InlineData("4111111111111111", true)]
    [InlineData("order 123456 placed", false)]
    [InlineData("phone 0301 234 567", false)]
    public void Check_CardNumberPattern_FindsCardNumbersOnly(string text, bool found)
    {
        var matches = ForbiddenPhrases.Check([Pattern(CardPattern)], text);

        Assert.Equal(found, matches.Count == 1);
    }

    [Fact]
    public void Check_Match_ExcerptRedactsTheMatchedText()
    {
        var matches = ForbiddenPhrases.Check([Pattern(CardPattern)], "Customer: my card is 4111 1111 1111 1111, expiry next May.");

        var excerpt = Assert.Single(matches).Excerpt;
        Assert.DoesNotContain("4111", excerpt, StringComparison.Ordinal);
        Assert.Contains("my card is [redacted] , expiry", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PhraseNextToACardNumber_ItsExcerptRedactsTheCardNumberToo()
    {
        var matches = ForbiddenPhrases.Check(
            [Phrase("not my problem", "rude"), Pattern(CardPattern)],
            "that is not my problem. Card 4111 1111 1111 1111 ok");

        Assert.Equal(2, matches.Count);
        Assert.All(matches, m => Assert.DoesNotContain("1111", m.Excerpt, StringComparison.Ordinal));
        Assert.Equal("that is [redacted] . Card [redacted] ok", matches[0].Excerpt);
    }

    [Fact]
    public void Check_SeveralEntries_MatchesOrderedByPosition()
    {
        var matches = ForbiddenPhrases.Check(
            [Phrase("calm down", "late"), Phrase("whatever", "early")],
            "Whatever. Calm down. whatever");

        Assert.Equal(["early", "late", "early"], matches.Select(m => m.PhraseId));
    }

    [Fact]
    public void Check_EmptyList_FlagsNothing()
    {
        Assert.Empty(ForbiddenPhrases.Check([], "anything at all"));
    }

    [Fact]
    public void Check_PatternThatWouldBacktrackCatastrophically_RunsInLinearTime()
    {
        var evil = Pattern("(a+)+$", "evil");
        var text = new string('a', 50_000) + "!";
        var clock = Stopwatch.StartNew();

        var matches = ForbiddenPhrases.Check([evil], text);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Empty(matches);
    }

    [Theory]
    [InlineData(@"(\w)\1", "backreference")]
    [InlineData(@"(?<=card )\d+", "lookbehind")]
    [InlineData("[unclosed", "syntax")]
    [InlineData("a*", "matches empty")]
    public void Problem_UnusablePattern_IsNamed(string pattern, string why)
    {
        var problem = ForbiddenPhrases.Problem(Pattern(pattern));

        Assert.True(problem is not null, why);
    }

    [Fact]
    public void Problem_OrdinaryPhraseAndPattern_AreUsable()
    {
        Assert.Null(ForbiddenPhrases.Problem(Phrase("not my department")));
        Assert.Null(ForbiddenPhrases.Problem(Pattern(CardPattern)));
    }

    [Fact]
    public void Problem_BlankText_IsRejected()
    {
        Assert.NotNull(ForbiddenPhrases.Problem(Phrase("   ")));
    }

    [Fact]
    public void PhrasePattern_WordPhrase_HasWordBoundariesAndFlexibleSpace()
    {
        Assert.Equal(@"\bnot\s+my\s+problem\b", ForbiddenPhrases.PhrasePattern("not  my problem"));
    }
}
