using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Routing;

namespace Agile.CustomerService.Domain.Metrics;

/// <summary>
/// One case (or survey, or complaint) behind a number: the fact it counts for, and a value
/// where the fact has one (handle seconds). Drill-down reads these back.
/// </summary>
public sealed record DrillTag(string Fact, string CaseId, long Value = 0);

/// <summary>What one event adds to one team's day: the counter delta and the cases behind it.</summary>
public sealed record Contribution(string TeamId, DateOnly Day, DailyTeamRollup Delta, IReadOnlyList<DrillTag> Cases);

/// <summary>Names of the facts kept per case for drill-down (docs/metrics.md).</summary>
public static class Facts
{
    public const string Opened = "opened";
    public const string Repeat = "repeat";
    public const string Resolved = "resolved";
    public const string FirstContact = "fcr";
    public const string HandOff = "handoff";
    public const string SpilledOut = "spilledOut";
    public const string SpilledIn = "spilledIn";
    public const string Handled = "handled";
    public const string SlaAnswered = "slaAnswered";
    public const string SlaMet = "slaMet";
    public const string BacklogIn = "backlogIn";
    public const string BacklogOut = "backlogOut";
    public const string Served = "served";
    public const string Complaint = "complaint";
    public const string Csat = "csat";
    public const string CsatSatisfied = "csatSatisfied";
    public const string Nps = "nps";
    public const string NpsPromoter = "npsPromoter";
    public const string NpsDetractor = "npsDetractor";

    /// <summary>SLA facts carry the customer tier: <c>slaMet:priority</c>.</summary>
    public static string Sla(string fact, CustomerTier tier) => $"{fact}:{Tier(tier)}";

    public static string Tier(CustomerTier tier) => tier switch
    {
        CustomerTier.Priority => "priority",
        CustomerTier.Vulnerable => "vulnerable",
        _ => "standard",
    };
}

/// <summary>
/// The pure rules that turn a case's history into rollup contributions (docs/metrics.md).
/// An event is judged with the history up to and including it, never with later state, so a
/// rollup rebuilt from the event log, in any order across cases, gives the same numbers.
/// </summary>
public static class CaseMetrics
{
    /// <summary>Contributions of <paramref name="history"/>[<paramref name="index"/>], one per team it touches.</summary>
    public static IReadOnlyList<Contribution> Of(IReadOnlyList<CaseEvent> history, int index, RoutingPolicy sla)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(sla);
        var e = history[index];
        var before = index == 0 ? null : CaseDecider.Replay(history.Take(index));
        var after = CaseDecider.Evolve(before, e);
        if (after is null)
        {
            return [];
        }

        var owner = after.OwningTeamId;
        var day = DateOnly.FromDateTime(e.At.UtcDateTime);
        var parts = new List<(string Team, DailyTeamRollup Delta, DrillTag? Tag)>();
        void Add(string team, Func<DailyTeamRollup, DailyTeamRollup> delta, string? fact = null, long value = 0) =>
            parts.Add((team, delta(DailyTeamRollup.Empty(team, day)), fact is null ? null : new DrillTag(fact, e.CaseId, value)));

        switch (e)
        {
            case CaseOpened o:
                Add(owner, r => r with { Opened = 1 }, Facts.Opened);
                if (o.RepeatOf is not null)
                {
                    Add(owner, r => r with { Repeats = 1 }, Facts.Repeat);
                }

                break;

            case OfferAccepted a when !history.Take(index).Any(x => x is OfferAccepted):
                // The case's first answer, against the target of the customer's tier.
                var waitingSince = history.Take(index).OfType<PersonRequested>().LastOrDefault()?.At ?? after.OpenedAt;
                var met = a.At - waitingSince <= sla.SpillAfter(after.CustomerTier);
                Add(owner, r => r.WithSla(after.CustomerTier, new SlaCount(1, met ? 1 : 0)), Facts.Sla(Facts.SlaAnswered, after.CustomerTier));
                if (met)
                {
                    Add(owner, r => r, Facts.Sla(Facts.SlaMet, after.CustomerTier));
                }

                break;

            case CaseResolved r:
                var earlier = history.Take(index).ToList();
                var accepts = earlier.OfType<OfferAccepted>().ToList();
                var spilled = earlier.Any(x => x is CaseSpilledOver);
                var handedOff = spilled || accepts.Select(x => x.AgentId).Distinct(StringComparer.Ordinal).Count() > 1;
                var first = !earlier.Any(x => x is CaseResolved) && !handedOff && accepts.Count == 1;
                Add(owner, x => x with { Resolved = 1 }, Facts.Resolved);
                Add(owner, x => x, Facts.Served);
                if (handedOff)
                {
                    Add(owner, x => x with { HandedOff = 1 }, Facts.HandOff);
                }

                if (first)
                {
                    Add(owner, x => x with { FirstContactResolved = 1 }, Facts.FirstContact);
                }

                if (r.TeamId != owner)
                {
                    Add(r.TeamId, x => x with { AssistsResolved = 1 });
                }

                if (accepts.LastOrDefault() is { } accepted && HandleSeconds(accepted.At, r.At) is var seconds && seconds >= 0)
                {
                    Add(r.TeamId, x => x with { Handled = 1, HandleSeconds = seconds, HandleSecondsSquared = (double)seconds * seconds }, Facts.Handled, seconds);
                }

                break;

            case CaseSpilledOver s:
                if (s.FromTeamId == owner)
                {
                    Add(owner, x => x with { SpilledOut = 1 }, Facts.SpilledOut);
                }

                if (s.ToTeamId != owner)
                {
                    Add(s.ToTeamId, x => x with { AssistsTaken = 1 }, Facts.SpilledIn);
                }

                break;

            case OfferDeclined when before is not null:
                Add(before.HandlingTeamId, x => x with { Declined = 1 });
                break;

            case OfferTimedOut when before is not null:
                Add(before.HandlingTeamId, x => x with { TimedOut = 1 });
                break;

            case CaseReopened:
                Add(owner, x => x with { Reopened = 1 });
                break;
        }

        // The backlog: cases waiting for or with a person, entered and left by any event.
        var wasIn = InBacklog(before);
        var isIn = InBacklog(after);
        if (!wasIn && isIn)
        {
            Add(owner, x => x with { BacklogIn = 1, BacklogInSeconds = e.At.ToUnixTimeSeconds() }, Facts.BacklogIn, e.At.ToUnixTimeSeconds());
        }
        else if (wasIn && !isIn)
        {
            var entered = BacklogEntry(history, index);
            Add(owner, x => x with { BacklogOut = 1, BacklogOutSeconds = entered.ToUnixTimeSeconds() }, Facts.BacklogOut, entered.ToUnixTimeSeconds());
        }

        return Merge(parts, day);
    }

    public static bool InBacklog(SupportCase? c) => c?.Status is CaseStatus.New or CaseStatus.Queued or CaseStatus.Offered or CaseStatus.InProgress;

    /// <summary>Whole seconds from acceptance to resolution (the agent's handling of the case).</summary>
    public static long HandleSeconds(DateTimeOffset acceptedAt, DateTimeOffset resolvedAt) => (long)Math.Floor((resolvedAt - acceptedAt).TotalSeconds);

    /// <summary>Every resolution's handle time in one history: (team that resolved, day, seconds).</summary>
    public static IEnumerable<(string TeamId, DateOnly Day, long Seconds)> Handles(IReadOnlyList<CaseEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        DateTimeOffset? accepted = null;
        foreach (var e in history)
        {
            if (e is OfferAccepted a)
            {
                accepted = a.At;
            }
            else if (e is CaseResolved r && accepted is { } at && HandleSeconds(at, r.At) is var s && s >= 0)
            {
                yield return (r.TeamId, DateOnly.FromDateTime(r.At.UtcDateTime), s);
            }
        }
    }

    /// <summary>When the case last entered the backlog before <paramref name="index"/>.</summary>
    private static DateTimeOffset BacklogEntry(IReadOnlyList<CaseEvent> history, int index)
    {
        SupportCase? state = null;
        var entered = history[0].At;
        for (var i = 0; i < index; i++)
        {
            var next = CaseDecider.Evolve(state, history[i]);
            if (!InBacklog(state) && InBacklog(next))
            {
                entered = history[i].At;
            }

            state = next;
        }

        return entered;
    }

    private static List<Contribution> Merge(List<(string Team, DailyTeamRollup Delta, DrillTag? Tag)> parts, DateOnly day) =>
        [.. parts.GroupBy(p => p.Team, StringComparer.Ordinal).Select(g => new Contribution(
            g.Key,
            day,
            g.Aggregate(DailyTeamRollup.Empty(g.Key, day), (sum, p) => sum.Plus(p.Delta)),
            [.. g.Where(p => p.Tag is not null).Select(p => p.Tag!)]))];
}

/// <summary>Contributions of inputs that arrive through the API rather than as case events.</summary>
public static class InputMetrics
{
    public const int PromoterFrom = 9;
    public const int DetractorUpTo = 6;
    public const int SatisfiedFrom = 4;

    public static Contribution Csat(string teamId, DateOnly day, string caseId, int score)
    {
        var satisfied = score >= SatisfiedFrom;
        var delta = DailyTeamRollup.Empty(teamId, day) with { CsatResponses = 1, CsatSatisfied = satisfied ? 1 : 0, CsatScoreSum = score };
        List<DrillTag> tags = [new(Facts.Csat, caseId, score)];
        if (satisfied)
        {
            tags.Add(new DrillTag(Facts.CsatSatisfied, caseId, score));
        }

        return new Contribution(teamId, day, delta, tags);
    }

    public static Contribution Nps(string teamId, DateOnly day, string subjectId, int score)
    {
        var delta = DailyTeamRollup.Empty(teamId, day) with
        {
            NpsResponses = 1,
            NpsPromoters = score >= PromoterFrom ? 1 : 0,
            NpsDetractors = score <= DetractorUpTo ? 1 : 0,
        };
        List<DrillTag> tags = [new(Facts.Nps, subjectId, score)];
        if (score >= PromoterFrom)
        {
            tags.Add(new DrillTag(Facts.NpsPromoter, subjectId, score));
        }
        else if (score <= DetractorUpTo)
        {
            tags.Add(new DrillTag(Facts.NpsDetractor, subjectId, score));
        }

        return new Contribution(teamId, day, delta, tags);
    }

    /// <summary>Employee pulse: anonymous, so no drill-down.</summary>
    public static Contribution Pulse(string teamId, DateOnly day, int score) => new(
        teamId,
        day,
        DailyTeamRollup.Empty(teamId, day) with
        {
            PulseResponses = 1,
            PulsePromoters = score >= PromoterFrom ? 1 : 0,
            PulseDetractors = score <= DetractorUpTo ? 1 : 0,
        },
        []);

    public static Contribution Complaint(string teamId, DateOnly day, string subjectId) =>
        new(teamId, day, DailyTeamRollup.Empty(teamId, day) with { Complaints = 1 }, [new DrillTag(Facts.Complaint, subjectId)]);
}
