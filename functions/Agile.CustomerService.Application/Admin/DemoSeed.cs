using System.Globalization;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;
using Microsoft.Extensions.Logging;

namespace Agile.CustomerService.Application.Admin;

/// <summary>
/// The demo region of the README tour: one region, six teams of ten agents (four serving
/// residential customers, two business), and 60,000 customers already owned by those teams,
/// except the last ten of each segment, who have never called (their owner is chosen on
/// first contact).
/// </summary>
public sealed class DemoSeed(IStateStore store, ILogger<DemoSeed> logger)
{
    public const string RegionId = "north";
    public const int TeamCount = 6;
    public const int AgentsPerTeam = 10;
    public const int NeverContacted = 10;

    public static string TeamId(int n) => $"north-{n}";

    public static string Segment(int team) => team <= 4 ? "residential" : "business";

    /// <summary>The demo teams' lead: their tenth agent, an expert.</summary>
    public static string LeadOf(string teamId) => $"{teamId}-a{AgentsPerTeam:D2}";

    public static string CustomerId(int n) => $"cust-{n.ToString("D5", CultureInfo.InvariantCulture)}";

    public async Task<bool> SeedIfEmptyAsync(int customers, CancellationToken cancellationToken)
    {
        if ((await store.QueryAsync(Partitions.Directory, Kinds.Region, cancellationToken)).Count > 0)
        {
            return false;
        }

        logger.LogInformation("Seeding the demo region {Region}: {Teams} teams of {Agents} agents, {Customers} customers", RegionId, TeamCount, AgentsPerTeam, customers);
        var owners = Enumerable.Range(1, customers).Select(OwnerOf(customers)).ToList();
        var documents = new List<(string Partition, PutDocument Document)>
        {
            (Partitions.Directory, StateStoreExtensions.Put($"region:{RegionId}", Kinds.Region, new Region(RegionId, "North (pilot)"), PutDocument.Any)),
        };
        for (var t = 1; t <= TeamCount; t++)
        {
            var team = new Team(TeamId(t), $"North {t} ({Segment(t)})", RegionId, Segment(t));
            var agents = Enumerable.Range(1, AgentsPerTeam).Select(a => Agent(team.Id, a)).ToList();
            var dispatch = TeamDispatch.For(team) with
            {
                CustomerCount = owners.Count(o => o == team.Id),
                Agents = [.. agents.Select(a => new AgentSlot(a.Id, a.Name, a.Level, a.Skills, a.Capacity, true, []))],
            };
            documents.Add((Partitions.Directory, StateStoreExtensions.Put($"team:{team.Id}", Kinds.TeamIndex, team, PutDocument.Any)));
            documents.Add((Partitions.Team(team.Id), TeamState.PutDispatch(dispatch, PutDocument.Any)));
            documents.AddRange(agents.Select(a => (Partitions.Directory, StateStoreExtensions.Put($"agent:{a.Id}", Kinds.AgentIndex, new AgentIndex(a.Id, team.Id), PutDocument.Any))));
            documents.AddRange(agents.SelectMany(a => DevelopmentLinks(a.Id)));
            documents.Add((Partitions.Team(team.Id), StateStoreExtensions.Put(
                TeamLeads.Id, Kinds.TeamLeads, new TeamLeads(team.Id, [LeadOf(team.Id)], "seed", DateTimeOffset.UnixEpoch), PutDocument.Any)));
        }

        await LoadAsync(documents, cancellationToken);
        const int batch = 10_000;
        for (var start = 1; start <= customers; start += batch)
        {
            var chunk = Enumerable.Range(start, Math.Min(batch, customers - start + 1)).Select(n =>
            {
                var customer = Customer.New(CustomerId(n), $"Customer {n}", RegionId, SegmentOf(n, customers), TierOf(n));
                if (owners[n - 1] is { } owner)
                {
                    customer = customer.WithOwner(owner, "seed", "demo data", DateTimeOffset.UnixEpoch);
                }

                return (Partitions.Customer(customer.Id), StateStoreExtensions.Put(Kinds.Customer, Kinds.Customer, customer, PutDocument.Any));
            });
            await LoadAsync(chunk, cancellationToken);
            logger.LogInformation("Seeded customers {Done}/{Total}", Math.Min(start + batch - 1, customers), customers);
        }

        return true;
    }

    private async Task LoadAsync(IEnumerable<(string Partition, PutDocument Document)> documents, CancellationToken cancellationToken)
    {
        if (store is IBulkLoader bulk)
        {
            await bulk.BulkUpsertAsync(documents, cancellationToken);
            return;
        }

        foreach (var (partition, document) in documents)
        {
            await store.CommitAsync(partition, cancellationToken, document);
        }
    }

    /// <summary>Demo agents are linked to users of the local development tenant (see the dev-token command).</summary>
    private static IEnumerable<(string Partition, PutDocument Document)> DevelopmentLinks(string agentId)
    {
        var identity = new AgentIdentity(DevelopmentIdentity.TenantId, DevelopmentIdentity.ObjectIdFor(agentId), agentId);
        yield return (Partitions.Directory, StateStoreExtensions.Put(IdentityDirectory.IdentityId(identity.TenantId, identity.ObjectId), Kinds.Identity, identity, PutDocument.Any));
        yield return (Partitions.Directory, StateStoreExtensions.Put(IdentityDirectory.AgentLinkId(agentId), Kinds.IdentityLink, identity, PutDocument.Any));
    }

    /// <summary>Four in five customers are residential; each segment's book is split evenly over its teams.</summary>
    public static string SegmentOf(int n, int customers) => n <= customers * 4 / 5 ? "residential" : "business";

    public static CustomerTier TierOf(int n) => n % 25 == 0 ? CustomerTier.Vulnerable : n % 10 == 0 ? CustomerTier.Priority : CustomerTier.Standard;

    private static Func<int, string?> OwnerOf(int customers) => n =>
    {
        var residential = customers * 4 / 5;
        if (n <= residential)
        {
            return n > residential - NeverContacted ? null : TeamId(1 + (n - 1) % 4);
        }

        return n > customers - NeverContacted ? null : TeamId(5 + (n - 1) % 2);
    };

    private static Agent Agent(string teamId, int n)
    {
        var level = n <= 2 ? AgentLevel.New : n <= 7 ? AgentLevel.Proficient : AgentLevel.Expert;
        string[] skills = n % 3 == 0 ? ["billing", "meters"] : n % 3 == 1 ? ["billing", "moving"] : ["billing"];
        return new Agent($"{teamId}-a{n:D2}", $"Agent {n} of {teamId}", teamId, level, skills, 3);
    }
}
