using Agile.CustomerService.Application.MicrosoftTeams;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agile.CustomerService.Host.MicrosoftTeams;

/// <summary>Services of the Microsoft Teams surface.</summary>
internal static class TeamsSetup
{
    public static void AddTeams(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => TeamsOptions.From(configuration));
        services.AddSingleton<BotAuthentication>();
        services.AddSingleton<TeamsDirectory>();
        services.AddSingleton<ChatDispatcher>();
        services.AddSingleton<TeamsDelivery>();
        services.AddSingleton<TeamsNotifier>();
        services.AddSingleton<TeamReminders>();
        services.AddSingleton<ConversationRateLimiter>();
        // Built on first use only: nothing identity-related runs unless a message is sent.
        services.TryAddSingleton(sp => TeamsCredential.From(sp.GetRequiredService<TeamsOptions>()));
        services.TryAddSingleton<IScheduleCommands, ScheduleChatCommands>();
        services.AddHttpClient<TeamsMessenger>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<ITeamsMessenger>(sp => sp.GetRequiredService<TeamsMessenger>());
    }
}
