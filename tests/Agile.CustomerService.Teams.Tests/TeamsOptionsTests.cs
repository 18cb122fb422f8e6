using Agile.CustomerService.Host.MicrosoftTeams;
using Microsoft.Extensions.Configuration;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>The Teams settings as Azure sets them (environment variables, infra/modules/functionapp.bicep).</summary>
public sealed class TeamsOptionsTests
{
    private static TeamsOptions FromEnvironment(params (string Name, string Value)[] variables) =>
        TeamsOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Name.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build());

    [Fact]
    public void BicepSettings_NameTheBotItsIdentityAndEachTeamsChannel()
    {
        var options = FromEnvironment(
            ("MicrosoftTeams__Bot__AppId", "6d0f3f5e-0000-4000-8000-000000000001"),
            ("MicrosoftTeams__Bot__ManagedIdentityClientId", "6d0f3f5e-0000-4000-8000-000000000001"),
            ("MicrosoftTeams__TeamThreads", "north-1=19:aaa@thread.tacv2; north-2 = 19:bbb@thread.tacv2"));

        Assert.Equal("6d0f3f5e-0000-4000-8000-000000000001", options.AppId);
        Assert.Equal("6d0f3f5e-0000-4000-8000-000000000001", options.ManagedIdentityClientId);
        Assert.Equal("north-1", options.TeamOf("19:aaa@thread.tacv2"));
        Assert.Equal("north-2", options.TeamOf("19:BBB@thread.tacv2"));
    }

    [Fact]
    public void TeamThreads_AlongsideAWebhookSecret_KeepsTheSecretForThatTeam()
    {
        var options = FromEnvironment(
            ("MicrosoftTeams__Teams__north-1__WebhookSecret", Convert.ToBase64String(new byte[32])),
            ("MicrosoftTeams__TeamThreads", "north-1=19:aaa@thread.tacv2"));

        var team = Assert.Single(options.Teams);
        Assert.Equal("19:aaa@thread.tacv2", team.TeamsTeamId);
        Assert.NotNull(team.WebhookKey);
    }

    [Theory]
    [InlineData("north-1")]
    [InlineData("north-1=")]
    [InlineData("=19:aaa@thread.tacv2")]
    public void TeamThreads_Malformed_FailsAtStartWithTheSettingNamed(string value)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => FromEnvironment(("MicrosoftTeams__TeamThreads", value)));

        Assert.Contains("MicrosoftTeams:TeamThreads", failure.Message, StringComparison.Ordinal);
    }
}
