using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Routing;

namespace Agile.CustomerService.Application.Cases;

public sealed record IntakeRequest(
    string CustomerId,
    Channel Channel,
    string Topic,
    CaseTier Tier,
    string? RequiredSkill,
    string? SelfServiceAnswer,
    string? CorrelationId);

/// <summary>
/// The root handlers of the case lifecycle: load, decide (pure), save with ETag, emit events.
/// Every write touches one partition; the team side (capacity, queue) is reserved before an
/// offer is written and reconciled from the case afterwards (ADR 0002, ADR 0006).
/// </summary>
public sealed class CaseService(IStateStore store, TimeProvider time, RoutingPolicy policy, IChangeNotifier notifier)
{
    private const int MaxAttempts = 8;

    private readonly KeyedTurns _teamTurns = new();
    public RoutingPolicy Policy => policy;

    // ---------------------------------------------------------------- intake

    public async Task<Outcome> IntakeAsync(IntakeRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("intake");
        activity?.SetTag("acs.customer", request.CustomerId);
        var partition = Partitions.Customer(request.CustomerId);
        var requestHash = Hash("intake", Json.Write(request with { CorrelationId = null }));
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The idempotency record and the customer in one read: a new intake needs both.
            var read = await store.ReadManyAsync(partition, [CommandLog.Id(idempotencyKey), Kinds.Customer], cancellationToken);
            if (await ReplayAsync(partition, requestHash, read[0], cancellationToken) is { } replay)
            {
                return replay;
            }

            var customer = read[1].As<Customer>();
            if (customer is null)
            {
                return Problem.NotFound($"customer {request.CustomerId} is not registered");
            }

            var now = time.GetUtcNow();
            var owned = customer.Value;
            var ownerAssigned = false;
            if (owned.OwningTeamId is null)
            {
                var teams = await LoadTeamsAsync(await TeamIdsAsync(owned.RegionId, cancellationToken), cancellationToken);
                if (OwnerSelection.Choose(owned, teams.Select(t => t.Dispatch)) is not { } owner)
                {
                    return Problem.Invalid($"no team serves region {owned.RegionId}, segment {owned.Segment}");
                }

                owned = owned.WithOwner(owner.TeamId, "router", "first contact: fewest customers per active agent", now);
                ownerAssigned = true;
            }

            var caseId = CaseIds.New(request.CustomerId, DeterministicGuid(partition, idempotencyKey));
            var open = new OpenCase(
                caseId, owned, request.Channel, request.Topic, request.Tier, request.RequiredSkill, request.SelfServiceAnswer,
                RepeatContact.Of(owned, now, policy), "customer", now);
            if (CaseDecider.Decide(null, open) is not Accepted opened)
            {
                return Problem.Invalid("the case could not be opened");
            }

            var document = CaseDocument.Start(opened.Events);
            if (document.State.Tier != CaseTier.SelfService)
            {
                var routed = await RouteNewCaseAsync(document, now, cancellationToken);
                if (routed is null)
                {
                    continue;
                }

                document = routed;
            }

            var writes = new List<WriteOperation> { StateStoreExtensions.Put(caseId, Kinds.Case, document, null) };
            if (ownerAssigned)
            {
                writes.Add(StateStoreExtensions.Put(Kinds.Customer, Kinds.Customer, owned, customer.ETag));
            }

            var view = Json.Write(CaseView.Of(document));
            var location = $"/api/cases/{caseId}";
            var result = await CommitWithRecordAsync(
                partition, writes, Outbox(document.History, request.CorrelationId), idempotencyKey, "intake", requestHash, 201, document.State, location, cancellationToken);
            if (result is Committed committed)
            {
                if (ownerAssigned)
                {
                    await AdjustCustomerCountAsync(owned.OwningTeamId!, +1, cancellationToken);
                }

                notifier.Notify();
                activity?.SetTag("acs.case", caseId);
                activity?.SetTag("acs.status", document.State.Status.ToString());
                Telemetry.Intakes.Add(1, new KeyValuePair<string, object?>("status", document.State.Status.ToString()));
                return new Success(201, view, committed.ETags[caseId], location);
            }
        }

        throw new StoreUnavailableException($"intake for customer {request.CustomerId} kept conflicting; try again");
    }

    /// <summary>Reserves an agent of the owning team (continuity first) or queues the case there; null when a write raced.</summary>
    private async Task<CaseDocument?> RouteNewCaseAsync(CaseDocument document, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var c = document.State;

        // One intake at a time per team in this instance: concurrent intakes for the same team
        // would otherwise race on its dispatch document and redo their work on every conflict.
        // The ETag still guards against other instances and the reactor.
        using var turn = await _teamTurns.EnterAsync(c.HandlingTeamId, cancellationToken);
        var team = await TeamState.LoadAsync(store, c.HandlingTeamId, withQueue: false, time.GetUtcNow(), cancellationToken)
            ?? throw new InvalidOperationException($"owning team {c.HandlingTeamId} has no dispatch document");
        var dueAt = now + policy.SpillAfter(c.CustomerTier);
        var request = SpillOverSelection.ToRequest(c, dueAt);
        if (OfferSelection.Choose(request, team.Dispatch) is { } choice)
        {
            var expiresAt = now + policy.OfferTimeout;
            var reserved = team.Dispatch.Reserve(choice.Agent.AgentId, new CaseLoad(c.Id, c.CustomerId, now, expiresAt));

            // The timer goes first: whatever fails after it, the reservation is looked at again.
            await ArmAsync(new CaseTimer(TimerKind.OfferTimeout, c.Id, c.HandlingTeamId, choice.Agent.AgentId, expiresAt), cancellationToken);
            if (await store.CommitAsync(Partitions.Team(c.HandlingTeamId), cancellationToken, TeamState.PutDispatch(reserved, team.ETag)) is not Committed)
            {
                return null;
            }

            return Apply(document, new OfferCase(c.HandlingTeamId, choice.Agent.AgentId, expiresAt, "router", now, choice.Reason));
        }

        await ArmAsync(new CaseTimer(TimerKind.SpillCheck, c.Id, c.HandlingTeamId, null, dueAt), cancellationToken);
        await store.CommitAsync(Partitions.Team(c.HandlingTeamId), cancellationToken, TeamState.PutQueueItem(request));
        return Apply(document, new QueueCase(c.HandlingTeamId, dueAt, "router", now, "no eligible agent with spare capacity"));
    }

    private static CaseDocument Apply(CaseDocument document, CaseCommand command) =>
        CaseDecider.Decide(document.State, command) is Accepted accepted ? document.Apply(accepted.Events) : document;

    // ------------------------------------------------------- agent actions

    /// <summary>
    /// Runs one agent action from the API: idempotency key first (a repeat returns the first
    /// result), then the If-Match precondition, then the pure decision; writes only on success.
    /// </summary>
    /// <param name="read">What the caller has just read for this action, if it has (the access check); read here otherwise.</param>
    public async Task<Outcome> ActAsync(
        string caseId, string ifMatch, string idempotencyKey, string operation, string requestBody,
        Func<SupportCase, DateTimeOffset, CaseCommand> command, CancellationToken cancellationToken, CaseActionReads? read = null)
    {
        if (CaseIds.CustomerOf(caseId) is not { } customerId)
        {
            return Problem.NotFound($"case {caseId} does not exist");
        }

        var partition = Partitions.Customer(customerId);
        var requestHash = Hash(operation, caseId + "\n" + requestBody);

        if (read is null || read.CaseId != caseId || read.IdempotencyKey != idempotencyKey)
        {
            read = await ReadForActionAsync(caseId, idempotencyKey, cancellationToken);
        }

        if (await ReplayAsync(partition, requestHash, read!.Record, cancellationToken) is { } replay)
        {
            return replay;
        }

        var stored = read.Case;
        if (stored is null)
        {
            return Problem.NotFound($"case {caseId} does not exist");
        }

        if (ifMatch != PutDocument.Any && ifMatch != stored.ETag)
        {
            return Problem.Stale($"case {caseId} changed since {ifMatch}; its current ETag is {stored.ETag}: read it again");
        }

        var now = time.GetUtcNow();
        var decision = CaseDecider.Decide(stored.Value.State, command(stored.Value.State, now));
        switch (decision)
        {
            case Rejected rejected:
                return rejected.Kind == RejectionKind.Invalid ? Problem.Invalid(rejected.Reason) : Problem.Conflict(rejected.Reason);
            case AlreadyApplied:
                return new Success(200, Json.Write(CaseView.Of(stored.Value)), stored.ETag);
        }

        var (next, writes, outbox) = await TransitionAsync(partition, stored, ((Accepted)decision).Events, read.Customer, cancellationToken);
        var view = Json.Write(CaseView.Of(next));
        var result = await CommitWithRecordAsync(
            partition, writes, outbox, idempotencyKey, operation, requestHash, 200, next.State, null, cancellationToken);
        switch (result)
        {
            case Committed committed:
                notifier.Notify();
                await DisarmAnsweredOfferAsync(caseId, ((Accepted)decision).Events, cancellationToken);
                await ReleaseCapacityNowAsync(next.State, ((Accepted)decision).Events, cancellationToken);
                return new Success(200, view, committed.ETags[caseId]);
            case CommitConflict conflict when conflict.Id == caseId:
                return Problem.Stale($"case {caseId} changed while this request ran: read it again");
            case CommitConflict conflict when conflict.Id == Kinds.Customer:
                return Problem.Conflict($"customer {customerId} changed while this request ran (another of their cases moved): send it again");
            default:
                return await ReplayAsync(partition, idempotencyKey, requestHash, cancellationToken)
                    ?? Problem.Conflict($"another request with idempotency key {idempotencyKey} is in progress");
        }
    }

    /// <summary>
    /// An answered offer no longer needs its timeout: the timer is deleted now instead of being swept
    /// when due, where it would read the case and the team only to find nothing to do. Before the
    /// capacity is released, because that may offer the case again and arm a new timer. When the
    /// delete fails the timer fires later and changes nothing.
    /// </summary>
    private async Task DisarmAnsweredOfferAsync(string caseId, IReadOnlyList<CaseEvent> events, CancellationToken cancellationToken)
    {
        if (!events.Any(e => e is OfferAccepted or OfferDeclined))
        {
            return;
        }

        try
        {
            await store.CommitAsync(Partitions.TimerShardFor(caseId), cancellationToken, new DeleteDocument(CaseTimer.IdOf(TimerKind.OfferTimeout, caseId)));
        }
        catch (StoreUnavailableException)
        {
            // The timer stays and is swept when due, as before.
        }
    }

    /// <summary>
    /// An agent's answer that frees capacity (resolve, decline) gives it back at once, and offers
    /// the team's next queued case, instead of waiting for the dispatch reactor to read the event:
    /// the agent is not left idle while the change feed catches up. The reactor reconciles the
    /// same way afterwards and finds nothing left to change; when this attempt fails, it is the one
    /// that frees the capacity, as before (ADR 0002, ADR 0006).
    /// </summary>
    private async Task ReleaseCapacityNowAsync(SupportCase c, IReadOnlyList<CaseEvent> events, CancellationToken cancellationToken)
    {
        if (!events.Any(e => e is CaseResolved or OfferDeclined))
        {
            return;
        }

        try
        {
            // The case as this request committed it: no need to read it back.
            await ReconcileAsync(c.HandlingTeamId, c.Id, c, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The answer is committed; the reactor frees the capacity when it reads the event.
        }
    }

    /// <summary>A command from inside the system (router, timers): retried on fresh state after a race.</summary>
    public async Task<(CaseDecision Decision, SupportCase? State)> ExecuteAsync(string caseId, Func<SupportCase, DateTimeOffset, CaseCommand> command, CancellationToken cancellationToken)
    {
        var customerId = CaseIds.CustomerOf(caseId) ?? throw new ArgumentException($"malformed case id {caseId}", nameof(caseId));
        var partition = Partitions.Customer(customerId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await store.ReadAsync<CaseDocument>(partition, caseId, cancellationToken);
            if (stored is null)
            {
                return (new Rejected($"case {caseId} does not exist"), null);
            }

            var decision = CaseDecider.Decide(stored.Value.State, command(stored.Value.State, time.GetUtcNow()));
            if (decision is not Accepted accepted)
            {
                return (decision, stored.Value.State);
            }

            var (next, writes, outbox) = await TransitionAsync(partition, stored, accepted.Events, null, cancellationToken);
            if (await store.CommitAsync(partition, writes, outbox, cancellationToken) is Committed)
            {
                notifier.Notify();
                return (decision, next.State);
            }
        }

        throw new StoreUnavailableException($"case {caseId} kept changing under a system command; it will be retried");
    }

    /// <summary>What one accepted transition writes to the customer's partition: the case, the customer if it follows, the events.</summary>
    /// <param name="customerRead">The customer document as the caller read it with the case, if it did; read here when needed otherwise.</param>
    private async Task<(CaseDocument Next, List<WriteOperation> Writes, List<OutboxEvent> Outbox)> TransitionAsync(
        string partition, Versioned<CaseDocument> stored, IReadOnlyList<CaseEvent> events, StoredDocument? customerRead, CancellationToken cancellationToken)
    {
        var next = stored.Value.Apply(events);
        var writes = new List<WriteOperation> { StateStoreExtensions.Put(next.State.Id, Kinds.Case, next, stored.ETag) };
        if (await CustomerFollowUpAsync(partition, next.State, events, customerRead, cancellationToken) is { } customerWrite)
        {
            writes.Add(customerWrite);
        }

        return (next, writes, Outbox(events, null, stored.Value.State.Version));
    }

    /// <summary>The customer's continuity and repeat-contact memory follows the case in the same commit.</summary>
    private async Task<PutDocument?> CustomerFollowUpAsync(
        string partition, SupportCase c, IReadOnlyList<CaseEvent> events, StoredDocument? customerRead, CancellationToken cancellationToken)
    {
        if (!events.Any(e => e is CaseResolved or OfferAccepted))
        {
            return null;
        }

        var customer = customerRead is not null ? customerRead.As<Customer>() : await store.ReadAsync<Customer>(partition, Kinds.Customer, cancellationToken);
        if (customer is null)
        {
            return null;
        }

        var updated = events.Aggregate(customer.Value, (cu, e) => e switch
        {
            OfferAccepted a => cu with { LastAgentId = a.AgentId },
            CaseResolved r => cu with { LastAgentId = r.AgentId, LastResolvedCaseId = c.Id, LastResolvedAt = r.At },
            _ => cu,
        });
        return StateStoreExtensions.Put(Kinds.Customer, Kinds.Customer, updated, customer.ETag);
    }

    /// <summary>
    /// What a case action reads, in one read of the case's partition: the case, its customer (an
    /// accept or a resolve updates it in the same commit; most actions are one of the two) and the
    /// idempotency record of <paramref name="idempotencyKey"/>. The access check reads this for an
    /// action, so the action does not wait in line at the store again. Without a key (a read of
    /// the case, not an action) only the case is read. Null for a malformed case id.
    /// </summary>
    public async Task<CaseActionReads?> ReadForActionAsync(string caseId, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (CaseIds.CustomerOf(caseId) is not { } customerId)
        {
            return null;
        }

        var partition = Partitions.Customer(customerId);
        if (idempotencyKey is null)
        {
            return new CaseActionReads(caseId, await store.ReadAsync<CaseDocument>(partition, caseId, cancellationToken), null, null, null);
        }

        var read = await store.ReadManyAsync(partition, [caseId, Kinds.Customer, CommandLog.Id(idempotencyKey)], cancellationToken);
        return new CaseActionReads(caseId, read[0].As<CaseDocument>(), read[1], idempotencyKey, read[2]);
    }

    public async Task<Versioned<CaseDocument>?> GetAsync(string caseId, CancellationToken cancellationToken) =>
        CaseIds.CustomerOf(caseId) is { } customerId
            ? await store.ReadAsync<CaseDocument>(Partitions.Customer(customerId), caseId, cancellationToken)
            : null;

    // ------------------------------------------------------- team side

    /// <summary>Makes a team's holds and queue agree with the case, then offers queued work if capacity allows.</summary>
    public Task ReconcileAsync(string teamId, string caseId, CancellationToken cancellationToken) =>
        ReconcileAsync(teamId, caseId, null, cancellationToken);

    private async Task ReconcileAsync(string teamId, string caseId, SupportCase? committed, CancellationToken cancellationToken)
    {
        // One team-side change at a time per team in this instance, as intake routes: concurrent
        // writers of a team's dispatch document otherwise keep invalidating each other's ETag, and
        // a release that lost every attempt left its agent held until the reactor came by (found
        // by the soak, docs/performance.md).
        using var turn = await _teamTurns.EnterAsync(teamId, cancellationToken);
        if (await CorrectTeamAsync(teamId, caseId, expireOwnReservation: false, committed, cancellationToken))
        {
            await PumpInTurnAsync(teamId, cancellationToken);
        }
    }

    /// <summary>Offers queued cases to agents with spare capacity until nothing more fits.</summary>
    public async Task<int> PumpAsync(string teamId, CancellationToken cancellationToken)
    {
        using var turn = await _teamTurns.EnterAsync(teamId, cancellationToken);
        return await PumpInTurnAsync(teamId, cancellationToken);
    }

    private async Task<int> PumpInTurnAsync(string teamId, CancellationToken cancellationToken)
    {
        // Most pumps (every resolve and decline, ADR 0006) find the queue empty: look at it alone
        // first instead of reading the dispatch document and the roster for nothing.
        if ((await store.QueryAsync(Partitions.Team(teamId), Kinds.Queued, cancellationToken)).Count == 0)
        {
            return 0;
        }

        var offered = 0;
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 1000; round++)
        {
            var team = await TeamState.LoadAsync(store, teamId, withQueue: true, time.GetUtcNow(), cancellationToken);
            if (team is null || Dispatcher.NextOffer(team.Dispatch with { Queue = [.. team.Dispatch.Queue.Where(q => !skipped.Contains(q.CaseId))] }) is not { } next)
            {
                break;
            }

            var waiting = (await GetAsync(next.Case.CaseId, cancellationToken))?.Value.State;
            if (waiting is null || waiting.HandlingTeamId != teamId || waiting.Status is not (CaseStatus.New or CaseStatus.Queued))
            {
                // A queue item the case has left behind: tidy it instead of offering it.
                await CorrectTeamAsync(teamId, next.Case.CaseId, expireOwnReservation: false, null, cancellationToken);
                skipped.Add(next.Case.CaseId);
                continue;
            }

            var now = time.GetUtcNow();
            var expiresAt = now + policy.OfferTimeout;
            var load = new CaseLoad(next.Case.CaseId, next.Case.CustomerId, now, expiresAt, waiting.Version);
            var reserved = team.Dispatch.Reserve(next.Choice.Agent.AgentId, load);
            await ArmAsync(new CaseTimer(TimerKind.OfferTimeout, next.Case.CaseId, teamId, next.Choice.Agent.AgentId, expiresAt), cancellationToken);
            var reserve = await store.CommitAsync(
                Partitions.Team(teamId),
                [TeamState.PutDispatch(reserved, team.ETag), new DeleteDocument(TeamState.QueueItemId(next.Case.CaseId), team.QueueETags[next.Case.CaseId])],
                [],
                cancellationToken);
            if (reserve is not Committed)
            {
                continue;
            }

            var (decision, _) = await ExecuteAsync(
                next.Case.CaseId, (_, at) => new OfferCase(teamId, next.Choice.Agent.AgentId, expiresAt, "router", at, next.Choice.Reason), cancellationToken);
            if (decision is Accepted)
            {
                offered++;
            }
            else
            {
                // The case moved on meanwhile (answered, spilled, resolved): give the capacity back.
                await CorrectTeamAsync(teamId, next.Case.CaseId, expireOwnReservation: true, null, cancellationToken);
                skipped.Add(next.Case.CaseId);
            }
        }

        return offered;
    }

    /// <summary>
    /// One reconciliation of a team with a case, retried on a concurrent write. With
    /// <paramref name="expireOwnReservation"/> the caller's own reservation (for an offer the
    /// case refused) is treated as no longer in flight.
    /// </summary>
    /// <summary>
    /// <paramref name="committed"/>: the case as the caller has just committed it, used instead of
    /// reading it back on the first attempt (a retry reads it, since something else changed).
    /// </summary>
    private async Task<bool> CorrectTeamAsync(string teamId, string caseId, bool expireOwnReservation, SupportCase? committed, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var team = await TeamState.LoadAsync(store, teamId, withQueue: true, time.GetUtcNow(), cancellationToken);
            if (team is null)
            {
                return false;
            }

            var c = attempt == 0 && committed is not null ? committed : (await GetAsync(caseId, cancellationToken))?.Value.State;
            var now = time.GetUtcNow();
            var dispatch = team.Dispatch;
            if (expireOwnReservation)
            {
                dispatch = dispatch with
                {
                    Agents = [.. dispatch.Agents.Select(a => a with { Loads = [.. a.Loads.Select(l => l.CaseId == caseId && l.ExpiresAt is not null ? l with { ExpiresAt = now } : l)] })],
                };
            }

            var correction = TeamReconciliation.Reconcile(dispatch, caseId, c, policy, now);
            if (!correction.Changed)
            {
                return false;
            }

            var writes = new List<WriteOperation>();
            if (correction.DispatchChanged)
            {
                writes.Add(TeamState.PutDispatch(correction.Dispatch, team.ETag));
            }

            if (correction.Queue == QueueAction.Put)
            {
                await ArmAsync(new CaseTimer(TimerKind.SpillCheck, caseId, teamId, null, correction.QueueItem!.DueAt), cancellationToken);
                writes.Add(new PutDocument(TeamState.QueueItemId(caseId), Kinds.Queued, Json.Write(correction.QueueItem), null));
            }
            else if (correction.Queue == QueueAction.Delete)
            {
                writes.Add(new DeleteDocument(TeamState.QueueItemId(caseId), team.QueueETags[caseId]));
            }

            if (await store.CommitAsync(Partitions.Team(teamId), writes, [], cancellationToken) is Committed)
            {
                return true;
            }
        }

        return false;
    }

    // ------------------------------------------------------- timers

    public async Task ArmAsync(CaseTimer timer, CancellationToken cancellationToken) =>
        await store.CommitAsync(timer.Partition, cancellationToken, timer.ToPut());

    /// <summary>Runs every timer that is due; each is deleted only after it was handled (at least once).</summary>
    public async Task<int> SweepTimersAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        for (var shard = 0; shard < Partitions.TimerShards; shard++)
        {
            var partition = Partitions.TimerShard(shard);
            var due = await store.QueryDueAsync(partition, Kinds.Timer, time.GetUtcNow(), 200, cancellationToken);
            foreach (var document in due)
            {
                var timer = Json.Read<CaseTimer>(document.Json);
                await HandleTimerAsync(timer, cancellationToken);
                await store.CommitAsync(partition, cancellationToken, new DeleteDocument(document.Id, document.ETag));
                handled++;
            }
        }

        return handled;
    }

    public async Task HandleTimerAsync(CaseTimer timer, CancellationToken cancellationToken)
    {
        switch (timer.Kind)
        {
            case TimerKind.OfferTimeout:
                var expiresAt = timer.DueAt;
                await ExecuteAsync(timer.CaseId, (_, at) => new TimeOutOffer(timer.AgentId!, expiresAt, at), cancellationToken);
                await ReconcileAsync(timer.TeamId, timer.CaseId, cancellationToken);
                break;
            case TimerKind.SpillCheck:
                await SpillCheckAsync(timer, cancellationToken);
                break;
            case TimerKind.ShiftStart:
                await PumpAsync(timer.TeamId, cancellationToken);
                break;
        }
    }

    private async Task SpillCheckAsync(CaseTimer timer, CancellationToken cancellationToken)
    {
        // First let the handling team take it if it can now; spill only what still waits.
        await ReconcileAsync(timer.TeamId, timer.CaseId, cancellationToken);
        var c = (await GetAsync(timer.CaseId, cancellationToken))?.Value.State;
        if (c is null || c.HandlingTeamId != timer.TeamId || c.Status is not (CaseStatus.Queued or CaseStatus.New))
        {
            return;
        }

        var outcome = await SpillAsync(c, "router", $"waited longer than {policy.SpillAfter(c.CustomerTier)} for an agent of team {c.HandlingTeamId}", cancellationToken);
        if (outcome is null)
        {
            // Nobody anywhere can take it now: look again after another threshold.
            await ArmAsync(timer with { DueAt = time.GetUtcNow() + policy.SpillAfter(c.CustomerTier) }, cancellationToken);
        }
    }

    /// <summary>Moves a waiting case to the best helper team; the owning team stays accountable. Null when no team can help.</summary>
    public async Task<SupportCase?> SpillAsync(SupportCase c, string by, string reason, CancellationToken cancellationToken)
    {
        if (await ChooseHelperAsync(c, cancellationToken) is not { } helper)
        {
            return null;
        }

        // Both teams' sides follow from the CaseSpilledOver event (dispatch reactor), as for a team lead's spill.
        var (decision, state) = await ExecuteAsync(c.Id, (_, at) => new SpillOver(helper, reason, by, at), cancellationToken);
        return decision is Accepted or AlreadyApplied ? state : null;
    }

    /// <summary>Same region first, then the healthiest team elsewhere; only teams with an agent who can take the case.</summary>
    public async Task<string?> ChooseHelperAsync(SupportCase c, CancellationToken cancellationToken)
    {
        var handling = await TeamState.LoadAsync(store, c.HandlingTeamId, withQueue: false, time.GetUtcNow(), cancellationToken);
        if (handling is null)
        {
            return null;
        }

        var candidates = await LoadTeamsAsync(await AllTeamIdsAsync(cancellationToken), cancellationToken);
        var request = SpillOverSelection.ToRequest(c, time.GetUtcNow());
        return SpillOverSelection.ChooseHelper(request, handling.Dispatch, candidates.Select(t => t.Dispatch))?.TeamId;
    }

    // ------------------------------------------------------- helpers

    private async Task<IReadOnlyList<string>> TeamIdsAsync(string regionId, CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Team>(Partitions.Directory, Kinds.TeamIndex, cancellationToken)).Where(t => t.Value.RegionId == regionId).Select(t => t.Value.Id)];

    private async Task<IReadOnlyList<string>> AllTeamIdsAsync(CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Team>(Partitions.Directory, Kinds.TeamIndex, cancellationToken)).Select(t => t.Value.Id)];

    private async Task<IReadOnlyList<TeamState>> LoadTeamsAsync(IEnumerable<string> teamIds, CancellationToken cancellationToken)
    {
        var teams = new List<TeamState>();
        foreach (var id in teamIds)
        {
            if (await TeamState.LoadAsync(store, id, withQueue: false, time.GetUtcNow(), cancellationToken) is { } team)
            {
                teams.Add(team);
            }
        }

        return teams;
    }

    public async Task AdjustCustomerCountAsync(string teamId, int delta, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var team = await TeamState.LoadAsync(store, teamId, withQueue: false, time.GetUtcNow(), cancellationToken);
            if (team is null)
            {
                return;
            }

            var updated = team.Dispatch with { CustomerCount = Math.Max(0, team.Dispatch.CustomerCount + delta) };
            if (await store.CommitAsync(Partitions.Team(teamId), cancellationToken, TeamState.PutDispatch(updated, team.ETag)) is Committed)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The first result of a repeated case command: the case as it was when the command committed,
    /// rebuilt from its history (the record keeps the version, not a copy of the answer).
    /// </summary>
    private async Task<Outcome?> ReplayAsync(string partition, string key, string requestHash, CancellationToken cancellationToken) =>
        await ReplayAsync(partition, requestHash, await store.ReadAsync(partition, CommandLog.Id(key), cancellationToken), cancellationToken);

    /// <param name="recordRead">The idempotency record of the command as just read (null: a first request).</param>
    private async Task<Outcome?> ReplayAsync(string partition, string requestHash, StoredDocument? recordRead, CancellationToken cancellationToken)
    {
        var record = recordRead.As<CommandRecord>();
        if (record?.Value is not { CaseId: { } caseId, CaseVersion: { } version } first || first.RequestHash != requestHash)
        {
            // No record, a key reused for another request, or a record from before 2026-12-06 that kept its answer.
            return record is null ? null : CommandLog.Answer(record.Value, requestHash);
        }

        var stored = await store.ReadAsync<CaseDocument>(partition, caseId, cancellationToken);
        return stored is not null && CaseView.AsOf(stored.Value, version) is { } view
            ? new Success(first.Status, Json.Write(view), first.ETag, first.Location)
            : Problem.NotFound($"case {caseId}, the result of idempotency key {first.Key}, no longer exists");
    }

    private async Task<CommitResult> CommitWithRecordAsync(
        string partition, List<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, string key, string operation,
        string requestHash, int status, SupportCase result, string? location, CancellationToken cancellationToken)
    {
        // The ETag of the response is only known after the commit; a repeat answers without one.
        writes.Add(CommandLog.Record(new CommandRecord(key, operation, requestHash, status, string.Empty, null, location, result.Id, result.Version)));
        return await store.CommitAsync(partition, writes, events, cancellationToken);
    }


    private static List<OutboxEvent> Outbox(IReadOnlyList<CaseEvent> events, string? correlationId, int versionBefore = 0)
    {
        var outbox = new List<OutboxEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            outbox.Add(new OutboxEvent($"{e.CaseId}:{versionBefore + i + 1}", e.GetType().Name, Json.Write<CaseEvent>(e), correlationId));
        }

        return outbox;
    }

    private static string Hash(string operation, string body) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + body)));

    private static Guid DeterministicGuid(string partition, string key)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(partition + "\n" + key));
        return new Guid(bytes.AsSpan(0, 16));
    }
}

/// <summary>
/// The documents of a case's partition that an action on it reads (<see cref="CaseService.ReadForActionAsync"/>):
/// the case (null if it does not exist), the customer document (null when no key was given), and
/// the idempotency record of <see cref="IdempotencyKey"/> (null if none was asked for or there is none yet).
/// </summary>
public sealed record CaseActionReads(
    string CaseId, Versioned<CaseDocument>? Case, StoredDocument? Customer, string? IdempotencyKey, StoredDocument? Record);

/// <summary>An async mutual exclusion per key (e.g. per team) within this process.</summary>
internal sealed class KeyedTurns
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
