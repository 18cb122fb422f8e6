using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Routing;
using CsCheck;

namespace Agile.CustomerService.Domain.Tests.Metrics;

/// <summary>
/// Rollups of a random event stream, delivered in any order across cases and with repeats
/// (deduplicated by event id as the projection's marker does), equal the numbers computed
/// directly from the cases' final histories.
/// </summary>
public class RollupProperties
{
    private static readonly string[] Teams = ["team-a", "team-b", "team-c"];
    private static readonly string[] Agents = ["a1", "a2", "b1"];

    /// <summary>A random case: its owner, start (in minutes from T0, across days) and a sequence of attempted commands.</summary>
    private static readonly Gen<(int Owner, int StartMinutes, (int Kind, int Agent, int Team, int Minutes)[] Steps)> RandomCase =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 4 * 24 * 60], Gen.Select(Gen.Int[0, 7], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 300]).Array[0, 12]);

    private static List<CaseEvent> History(int n, (int Owner, int StartMinutes, (int Kind, int Agent, int Team, int Minutes)[] Steps) spec)
    {
        var id = $"cust-{n}~{n:D32}";
        var at = Given.T0.AddMinutes(spec.StartMinutes);
        var opened = new CaseOpened(id, $"cust-{n}", Teams[spec.Owner], Channel.Phone, "billing", CaseTier.Simple,
            (Organisation.CustomerTier)(n % 3), null, n % 4 == 0 ? "earlier" : null, null, null, "customer", at, "new");
        var history = new List<CaseEvent> { opened };
        var state = CaseDecider.Replay(history)!;
        foreach (var (kind, agent, team, minutes) in spec.Steps)
        {
            at = at.AddMinutes(minutes);
            CaseCommand command = kind switch
            {
                0 => new OfferCase(state.HandlingTeamId, Agents[agent], at.AddMinutes(1), "router", at, "spare"),
                1 => new AcceptOffer(state.OfferedTo ?? Agents[agent], at),
                2 => new DeclineOffer(state.OfferedTo ?? Agents[agent], "busy", at),
                3 => new SpillOver(Teams[team], "waited", "router", at),
                4 => new ResolveCase(state.AssignedTo ?? Agents[agent], "done", at),
                5 => new ReopenCase("customer", "again", at),
                6 => new QueueCase(state.HandlingTeamId, at.AddMinutes(5), "router", at, "no agent"),
                _ => new CloseCase("customer", "thanks", at),
            };
            if (CaseDecider.Decide(state, command) is Accepted accepted)
            {
                history.AddRange(accepted.Events);
                state = accepted.Events.Aggregate((SupportCase?)state, CaseDecider.Evolve)!;
            }
        }

        return history;
    }

    [Fact]
    public void Rollups_AnyDeliveryOrderWithRepeats_EqualDirectComputation()
    {
        Gen.Select(RandomCase.Array[1, 25], Gen.Int, Gen.Int[0, 3]).Sample(t =>
        {
            var (specs, seed, repeats) = t;
            var histories = specs.Select((s, i) => History(i, s)).ToList();

            // Delivery: every event once or more, shuffled across cases; the marker lets each id count once.
            var deliveries = histories.SelectMany((h, c) => h.Select((_, i) => (Case: c, Index: i)))
                .SelectMany(x => Enumerable.Repeat(x, 1 + (int)((uint)(x.Index + seed) % (uint)(repeats + 1)))).ToList();
            var random = new Random(seed);
            var applied = new HashSet<(int, int)>();
            var rollups = new Dictionary<(string, DateOnly), DailyTeamRollup>();
            foreach (var (c, i) in deliveries.OrderBy(_ => random.Next()))
            {
                if (!applied.Add((c, i)))
                {
                    continue;
                }

                foreach (var part in CaseMetrics.Of(histories[c], i, RoutingPolicy.Default))
                {
                    var key = (part.TeamId, part.Day);
                    rollups[key] = rollups.GetValueOrDefault(key, DailyTeamRollup.Empty(part.TeamId, part.Day)).Plus(part.Delta);
                }
            }

            foreach (var team in Teams)
            {
                var mine = rollups.Values.Where(r => r.TeamId == team).ToList();
                var owned = histories.Where(h => ((CaseOpened)h[0]).OwningTeamId == team).ToList();
                var resolutions = owned.SelectMany(h => h.OfType<CaseResolved>()).Count();
                var handles = histories.SelectMany(Handles).Where(x => x.Team == team).ToList();
                var openAtEnd = owned.Count(h => CaseMetrics.InBacklog(CaseDecider.Replay(h)));

                Assert.Equal(owned.Count, mine.Sum(r => r.Opened));
                Assert.Equal(owned.Count(h => ((CaseOpened)h[0]).RepeatOf is not null), mine.Sum(r => r.Repeats));
                Assert.Equal(resolutions, mine.Sum(r => r.Resolved));
                Assert.Equal(owned.Count(FirstContact), mine.Sum(r => r.FirstContactResolved));
                Assert.Equal(owned.SelectMany(h => h.OfType<CaseSpilledOver>().Where(s => s.FromTeamId == team)).Count(), mine.Sum(r => r.SpilledOut));
                Assert.Equal(handles.Count, mine.Sum(r => r.Handled));
                Assert.Equal(handles.Sum(x => x.Seconds), mine.Sum(r => r.HandleSeconds));
                Assert.Equal(openAtEnd, BacklogState.AtEndOf(mine, DateOnly.MaxValue.AddDays(-1)).Open);
                Assert.Equal(owned.Count(h => h.OfType<OfferAccepted>().Any()), mine.Sum(r => r.SlaStandard.Answered + r.SlaPriority.Answered + r.SlaVulnerable.Answered));
            }
        }, iter: 300);
    }

    /// <summary>Directly: a case resolved once, by the only agent who ever took it, never spilled, counts one first-contact resolution.</summary>
    private static bool FirstContact(IReadOnlyList<CaseEvent> h)
    {
        var firstResolution = h.ToList().FindIndex(e => e is CaseResolved);
        if (firstResolution < 0)
        {
            return false;
        }

        var before = h.Take(firstResolution).ToList();
        return before.OfType<OfferAccepted>().Count() == 1 && !before.OfType<CaseSpilledOver>().Any();
    }

    /// <summary>Directly: every resolution's seconds since the acceptance just before it.</summary>
    private static IEnumerable<(string Team, long Seconds)> Handles(IReadOnlyList<CaseEvent> h)
    {
        for (var i = 0; i < h.Count; i++)
        {
            if (h[i] is CaseResolved r && h.Take(i).OfType<OfferAccepted>().LastOrDefault() is { } a)
            {
                yield return (r.TeamId, (long)Math.Floor((r.At - a.At).TotalSeconds));
            }
        }
    }
}
