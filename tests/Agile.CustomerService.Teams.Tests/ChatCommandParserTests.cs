using Agile.CustomerService.Application.MicrosoftTeams;

namespace Agile.CustomerService.Teams.Tests;

public sealed class ChatCommandParserTests
{
    private const string CaseId = "cust-00005~0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("my cases")]
    [InlineData("  My   Cases ")]
    [InlineData("<at>Agile CS</at> my cases")]
    public void Parse_MyCases_IsMyCases(string text) => Assert.IsType<MyCases>(ChatCommandParser.Parse(text));

    [Fact]
    public void Parse_TakeWithCaseId_IsTakeOfThatCase() =>
        Assert.Equal(new TakeCase(CaseId), ChatCommandParser.Parse($"take {CaseId}"));

    [Fact]
    public void Parse_HelpWithCase_AsksAnyTeammate() =>
        Assert.Equal(new AskHelp(CaseId, null), ChatCommandParser.Parse($"help {CaseId}"));

    [Fact]
    public void Parse_HelpWithNamedAgent_AsksThatAgent() =>
        Assert.Equal(new AskHelp(CaseId, "north-1-a03"), ChatCommandParser.Parse($"HELP {CaseId} with north-1-a03"));

    [Fact]
    public void Parse_ResolveWithText_KeepsTheResolution() =>
        Assert.Equal(new ResolveFromChat(CaseId, "refunded the fee"), ChatCommandParser.Parse($"resolve {CaseId} refunded the fee"));

    [Fact]
    public void Parse_ResolveWithoutText_UsesADefaultResolution() =>
        Assert.IsType<ResolveFromChat>(ChatCommandParser.Parse($"resolve {CaseId}"));

    [Fact]
    public void Parse_Spill_IsSpillOfThatCase() =>
        Assert.Equal(CaseId, Assert.IsType<SpillFromChat>(ChatCommandParser.Parse($"spill {CaseId} peak hour")).CaseId);

    [Fact]
    public void Parse_Shifts_IsListShifts() => Assert.IsType<ListShifts>(ChatCommandParser.Parse("shifts"));

    [Fact]
    public void Parse_Claim_IsClaimOfThatShift() => Assert.Equal(new ClaimShift("shift-42"), ChatCommandParser.Parse("claim shift-42"));

    [Fact]
    public void Parse_Swap_IsSwapWithThatAgent() =>
        Assert.Equal(new SwapShift("shift-42", "north-1-a02"), ChatCommandParser.Parse("swap shift-42 with north-1-a02"));

    [Theory]
    [InlineData("time off 2026-12-01", "2026-12-01", "2026-12-01")]
    [InlineData("time off 2026-12-01..2026-12-03", "2026-12-01", "2026-12-03")]
    [InlineData("Time Off 2026-12-01 to 2026-12-03", "2026-12-01", "2026-12-03")]
    public void Parse_TimeOff_IsThoseDays(string text, string from, string to) =>
        Assert.Equal(new RequestTimeOff(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), ChatCommandParser.Parse(text));

    [Theory]
    [InlineData("retro well pairing on billing helped", "WentWell", "pairing on billing helped", false)]
    [InlineData("Retro IMPROVE anonymously too many transfers", "ToImprove", "too many transfers", true)]
    [InlineData("retro idea call back before the bill", "Idea", "call back before the bill", false)]
    public void Parse_Retro_IsAnItemOfThatKind(string text, string kind, string itemText, bool anonymous) =>
        Assert.Equal(new AddRetroItem(Enum.Parse<Domain.Retrospectives.RetroItemKind>(kind), itemText, anonymous), ChatCommandParser.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("help")]
    [InlineData("<at>Agile CS</at>")]
    public void Parse_EmptyOrHelp_IsUsage(string text) => Assert.IsType<Usage>(ChatCommandParser.Parse(text));

    [Theory]
    [InlineData("take")]
    [InlineData("take not-a-case")]
    [InlineData("take cust-00005~xyz")]
    [InlineData("take ../../etc/passwd")]
    [InlineData("resolve")]
    [InlineData("help cust-00005~0123456789abcdef0123456789abcdef please")]
    [InlineData("swap shift-1 for north-1-a02")]
    [InlineData("claim")]
    [InlineData("claim shift 1")]
    [InlineData("time off")]
    [InlineData("time off tomorrow")]
    [InlineData("time off 2026-13-01")]
    [InlineData("time off 2026-12-03..2026-12-01")]
    [InlineData("time off 2026-01-01..2026-12-31")]
    [InlineData("my")]
    [InlineData("retro")]
    [InlineData("retro well")]
    [InlineData("retro anonymously well done")]
    [InlineData("retro maybe more coffee")]
    [InlineData("my cases please")]
    [InlineData("drop table cases;")]
    [InlineData("\u0000\u0001\u0002")]
    [InlineData("🙂🙂🙂")]
    public void Parse_Garbage_IsNotUnderstoodWithAReason(string text)
    {
        var command = ChatCommandParser.Parse(text);

        Assert.False(string.IsNullOrWhiteSpace(Assert.IsType<NotUnderstood>(command).Problem));
    }

    [Fact]
    public void Parse_VeryLongText_IsNotUnderstood() =>
        Assert.IsType<NotUnderstood>(ChatCommandParser.Parse("take " + new string('x', 50_000)));

    [Fact]
    public void Parse_ScriptInText_NeverEchoesMarkup()
    {
        var command = ChatCommandParser.Parse("<script>alert(1)</script>take <img src=x onerror=alert(1)>");

        var problem = Assert.IsType<NotUnderstood>(command).Problem;
        Assert.DoesNotContain("<", problem, StringComparison.Ordinal);
    }
}
