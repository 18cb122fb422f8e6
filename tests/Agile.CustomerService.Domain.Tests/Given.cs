using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Tests;

/// <summary>Test data builders: small, explicit, one place.</summary>
internal static class Given
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public const string CaseId = "cust-1~0123456789abcdef0123456789abcdef";

    public static Customer Customer(string? owner = "team-a", CustomerTier tier = CustomerTier.Standard, string region = "north", string segment = "residential") =>
        Organisation.Customer.New("cust-1", "Customer 1", region, segment, tier) is var c && owner is not null
            ? c.WithOwner(owner, "seed", "test", T0.AddDays(-30))
            : Organisation.Customer.New("cust-1", "Customer 1", region, segment, tier);

    public static CaseOpened Opened(CaseTier tier = CaseTier.Simple, string owner = "team-a", string? skill = null) =>
        new(CaseId, "cust-1", owner, Channel.Phone, "billing", tier, CustomerTier.Standard, skill, null, null, null, "customer", T0, "new contact");

    public static CaseQueued Queued(string team = "team-a") => new(CaseId, team, T0.AddMinutes(5), "router", T0, "no agent");

    public static CaseOffered Offered(string agent = "a1", string team = "team-a") => new(CaseId, team, agent, T0.AddMinutes(1), "router", T0, "most spare capacity");

    public static OfferAccepted AcceptedBy(string agent = "a1") => new(CaseId, agent, agent, T0.AddSeconds(10), "accepted the offer");

    public static SupportCase State(params CaseEvent[] events) => CaseDecider.Replay(events)!;

    public static AgentSlot Agent(string id, AgentLevel level = AgentLevel.Proficient, int capacity = 3, int load = 0, bool available = true, params string[] skills) =>
        new(id, id, level, skills, capacity, available, [.. Enumerable.Range(0, load).Select(i => new CaseLoad($"other-{id}-{i}", "c", T0, null))]);

    public static TeamDispatch Team(string id, string region = "north", string segment = "residential", int customers = 0, params AgentSlot[] agents) =>
        new(id, id, region, segment, customers, agents, []);

    public static QueuedCase Request(CaseTier tier = CaseTier.Simple, string? skill = null, string? preferred = null, params string[] declined) =>
        new(CaseId, "cust-1", "team-a", tier, CustomerTier.Standard, skill, preferred, declined, T0, T0.AddMinutes(5));
}
