namespace Agile.CustomerService.Domain.Cases;

/// <summary>The case lifecycle as a pure decider: Decide(state, command) and Evolve(state, event).</summary>
public static class CaseDecider
{
    public static CaseDecision Decide(SupportCase? state, CaseCommand command) => (state, command) switch
    {
        (null, OpenCase c) => Open(c),
        (null, _) => new Rejected("case does not exist"),
        (not null, OpenCase) => AlreadyApplied.Instance,
        (not null, _) => DecideExisting(state, command),
    };

    private static CaseDecision DecideExisting(SupportCase state, CaseCommand command) => command switch
    {
        RequestPerson c => state.Status switch
        {
            CaseStatus.SelfService => Ok(new PersonRequested(state.Id, c.By, c.At, c.Reason)),
            CaseStatus.New or CaseStatus.Queued or CaseStatus.Offered or CaseStatus.InProgress => AlreadyApplied.Instance,
            _ => NotIn(state, "waiting for a person"),
        },
        QueueCase c => state.Status switch
        {
            CaseStatus.New when c.TeamId == state.HandlingTeamId =>
                Ok(new CaseQueued(state.Id, c.TeamId, c.SpillAt, c.By, c.At, c.Reason)),
            CaseStatus.Queued when c.TeamId == state.HandlingTeamId => AlreadyApplied.Instance,
            _ => NotIn(state, $"new in team {c.TeamId}"),
        },
        OfferCase c => state switch
        {
            { Status: CaseStatus.New or CaseStatus.Queued } when c.TeamId != state.HandlingTeamId =>
                new Rejected($"case {state.Id} is handled by team {state.HandlingTeamId}, not {c.TeamId}"),
            { Status: CaseStatus.New or CaseStatus.Queued } when state.DeclinedBy.Contains(c.AgentId) =>
                new Rejected($"agent {c.AgentId} already declined case {state.Id}"),
            { Status: CaseStatus.New or CaseStatus.Queued } =>
                Ok(new CaseOffered(state.Id, c.TeamId, c.AgentId, c.ExpiresAt, c.By, c.At, c.Reason)),
            { Status: CaseStatus.Offered, OfferedTo: var a } when a == c.AgentId => AlreadyApplied.Instance,
            _ => NotIn(state, "waiting for an agent"),
        },
        AcceptOffer c => state switch
        {
            { Status: CaseStatus.Offered, OfferedTo: var a } when a == c.AgentId =>
                Ok(new OfferAccepted(state.Id, c.AgentId, c.By, c.At, "accepted the offer")),
            { Status: CaseStatus.InProgress, AssignedTo: var a } when a == c.AgentId => AlreadyApplied.Instance,
            _ => new Rejected($"case {state.Id} is {state.Status}, not offered to {c.AgentId}"),
        },
        DeclineOffer c => state switch
        {
            { Status: CaseStatus.Offered, OfferedTo: var a } when a == c.AgentId =>
                Ok(new OfferDeclined(state.Id, c.AgentId, c.By, c.At, c.Reason)),
            _ when state.DeclinedBy.Contains(c.AgentId) => AlreadyApplied.Instance,
            _ => new Rejected($"case {state.Id} is {state.Status}, not offered to {c.AgentId}"),
        },
        TimeOutOffer c => state switch
        {
            { Status: CaseStatus.Offered, OfferedTo: var a, OfferExpiresAt: var e }
                when a == c.AgentId && e == c.ExpiresAt && c.At >= e =>
                Ok(new OfferTimedOut(state.Id, c.AgentId, c.By, c.At, $"no answer by {e:O}")),
            { Status: CaseStatus.Offered, OfferedTo: var a, OfferExpiresAt: var e } when a == c.AgentId && e == c.ExpiresAt =>
                new Rejected($"offer of case {state.Id} expires at {e:O}, not yet"),
            // The offer was answered or replaced meanwhile: the timer has nothing left to do.
            _ => AlreadyApplied.Instance,
        },
        AskForHelp c => state switch
        {
            { Status: CaseStatus.InProgress, AssignedTo: var a } when a != c.AgentId =>
                new Rejected($"case {state.Id} is assigned to {a}, not {c.AgentId}"),
            { Status: CaseStatus.InProgress } when c.AssistantId == c.AgentId =>
                new Rejected("an agent cannot assist themselves", RejectionKind.Invalid),
            { Status: CaseStatus.InProgress } when state.Assistants.Contains(c.AssistantId) => AlreadyApplied.Instance,
            { Status: CaseStatus.InProgress } =>
                Ok(new HelpRequested(state.Id, c.AgentId, c.AssistantId, c.By, c.At, c.Reason)),
            _ => NotIn(state, "in progress"),
        },
        SpillOver c => state switch
        {
            { HandlingTeamId: var h } when h == c.ToTeamId && state.IsSpilled => AlreadyApplied.Instance,
            { Status: CaseStatus.Queued } when c.ToTeamId == state.HandlingTeamId =>
                new Rejected($"case {state.Id} is already handled by team {c.ToTeamId}"),
            { Status: CaseStatus.Queued } =>
                Ok(new CaseSpilledOver(state.Id, state.HandlingTeamId, c.ToTeamId, c.By, c.At, c.Reason)),
            _ => NotIn(state, "queued"),
        },
        ResolveCase c => state switch
        {
            { Status: CaseStatus.InProgress, AssignedTo: var a } when a == c.AgentId =>
                Ok(new CaseResolved(state.Id, c.AgentId, state.HandlingTeamId, c.Resolution, c.By, c.At, "resolved by the agent")),
            { Status: CaseStatus.Resolved or CaseStatus.Closed, LastServedBy: var a } when a == c.AgentId => AlreadyApplied.Instance,
            { Status: CaseStatus.InProgress, AssignedTo: var a } => new Rejected($"case {state.Id} is assigned to {a}, not {c.AgentId}"),
            _ => NotIn(state, "in progress"),
        },
        ReopenCase c => state.Status switch
        {
            CaseStatus.Resolved => Ok(new CaseReopened(state.Id, c.By, c.At, c.Reason)),
            _ => NotIn(state, "resolved"),
        },
        CloseCase c => state.Status switch
        {
            CaseStatus.Resolved or CaseStatus.SelfService => Ok(new CaseClosed(state.Id, c.By, c.At, c.Reason)),
            CaseStatus.Closed => AlreadyApplied.Instance,
            _ => NotIn(state, "resolved or self-service"),
        },
        _ => new Rejected($"unknown command {command.GetType().Name}", RejectionKind.Invalid),
    };

    private static CaseDecision Open(OpenCase c)
    {
        if (c.Customer.OwningTeamId is not { } owner)
        {
            return new Rejected($"customer {c.Customer.Id} has no owning team yet", RejectionKind.Invalid);
        }

        var reason = c.RepeatOf is null ? "new contact" : $"repeat contact about case {c.RepeatOf}";
        return Ok(new CaseOpened(
            c.CaseId, c.Customer.Id, owner, c.Channel, c.Topic, c.Tier, c.Customer.Tier, c.RequiredSkill,
            c.RepeatOf, c.SelfServiceAnswer, c.Customer.LastAgentId, c.By, c.At, reason));
    }

    private static Accepted Ok(CaseEvent e) => new([e]);

    private static Rejected NotIn(SupportCase state, string expected) =>
        new($"case {state.Id} is {state.Status}, not {expected}");

    public static SupportCase? Evolve(SupportCase? state, CaseEvent e) => (state, e) switch
    {
        (null, CaseOpened o) => new SupportCase(
            o.CaseId, o.CustomerId, o.OwningTeamId, o.OwningTeamId, o.Channel, o.Topic, o.Tier, o.CustomerTier,
            o.RequiredSkill, o.Tier == CaseTier.SelfService ? CaseStatus.SelfService : CaseStatus.New,
            null, null, null, [], [], [], o.RepeatOf, o.SelfServiceAnswer, o.PreferredAgentId, o.At, null, null, null, null, 1),
        (null, _) => null,
        (not null, _) => Next(state, e) with { Version = state.Version + 1 },
    };

    private static SupportCase Next(SupportCase s, CaseEvent e) => e switch
    {
        PersonRequested => s with { Status = CaseStatus.New },
        CaseQueued q => s with { Status = CaseStatus.Queued, QueuedAt = s.QueuedAt ?? q.At },
        CaseOffered o => s with { Status = CaseStatus.Offered, OfferedTo = o.AgentId, OfferExpiresAt = o.ExpiresAt, QueuedAt = s.QueuedAt ?? o.At },
        OfferAccepted a => s with { Status = CaseStatus.InProgress, AssignedTo = a.AgentId, OfferedTo = null, OfferExpiresAt = null },
        OfferDeclined d => s with { Status = CaseStatus.Queued, OfferedTo = null, OfferExpiresAt = null, DeclinedBy = [.. s.DeclinedBy, d.AgentId] },
        OfferTimedOut t => s with { Status = CaseStatus.Queued, OfferedTo = null, OfferExpiresAt = null, DeclinedBy = [.. s.DeclinedBy, t.AgentId] },
        HelpRequested h => s with { Assistants = [.. s.Assistants, h.AssistantId] },
        CaseSpilledOver x => s with
        {
            HandlingTeamId = x.ToTeamId,
            HelperTeamIds = x.ToTeamId == s.OwningTeamId ? s.HelperTeamIds : [.. s.HelperTeamIds, x.ToTeamId],
            DeclinedBy = [],
        },
        CaseResolved r => s with
        {
            Status = CaseStatus.Resolved, ResolvedAt = r.At, Resolution = r.Resolution, LastServedBy = r.AgentId, AssignedTo = null,
        },
        CaseReopened => s with
        {
            Status = CaseStatus.New, HandlingTeamId = s.OwningTeamId, PreferredAgentId = s.LastServedBy ?? s.PreferredAgentId,
            ResolvedAt = null, Resolution = null, DeclinedBy = [], QueuedAt = null,
        },
        CaseClosed => s with { Status = CaseStatus.Closed },
        _ => s,
    };

    public static SupportCase? Replay(IEnumerable<CaseEvent> events) => events.Aggregate((SupportCase?)null, Evolve);
}
