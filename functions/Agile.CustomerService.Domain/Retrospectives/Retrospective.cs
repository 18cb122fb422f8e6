using Agile.CustomerService.Domain.Metrics;

namespace Agile.CustomerService.Domain.Retrospectives;

public enum RetroStatus
{
    Open,
    Closed,
}

public enum RetroItemKind
{
    WentWell,
    ToImprove,
    Idea,
}

/// <summary>What became of an action item of the previous retro.</summary>
public enum ReviewOutcome
{
    Done,
    CarriedOver,
    Dropped,
}

/// <summary>A member's item; an anonymous item keeps no author.</summary>
public sealed record RetroItem(string Id, RetroItemKind Kind, string Text, string? AuthorId, IReadOnlyList<string> Voters, DateTimeOffset At)
{
    public int Votes => Voters.Count;
}

public sealed record ActionItem(string Id, string Title, string OwnerId, DateOnly DueDate, string? FromItemId, string? CarriedFromSprint);

/// <summary>An action item of the previous retro and what the team decided about it (null until reviewed).</summary>
public sealed record ReviewedAction(ActionItem Action, string FromSprint, ReviewOutcome? Outcome, string? Note);

/// <summary>The team's KPIs for the sprint and for the window it is compared with.</summary>
public sealed record MetricsSnapshot(
    DateOnly From,
    DateOnly To,
    IReadOnlyDictionary<string, KpiValue> Current,
    DateOnly PreviousFrom,
    DateOnly PreviousTo,
    IReadOnlyDictionary<string, KpiValue> Previous);

/// <summary>A team's retrospective of one sprint (DOMAIN.md point 7).</summary>
public sealed record Retrospective(
    string TeamId,
    string Sprint,
    DateOnly From,
    DateOnly To,
    RetroStatus Status,
    string OpenedBy,
    DateTimeOffset OpenedAt,
    string? PreviousSprint,
    MetricsSnapshot Metrics,
    IReadOnlyList<ReviewedAction> Review,
    IReadOnlyList<RetroItem> Items,
    IReadOnlyList<ActionItem> Actions,
    string? ClosedBy,
    DateTimeOffset? ClosedAt);

public abstract record RetroDecision;

public sealed record RetroChanged(Retrospective Retro) : RetroDecision;

public sealed record RetroUnchanged(Retrospective Retro) : RetroDecision;

/// <summary>Not allowed: <see cref="NotFound"/> for a missing item or action, otherwise a conflict with the retro's state.</summary>
public sealed record RetroRejected(string Reason, bool NotFound = false) : RetroDecision;

/// <summary>The rules of a retrospective (pure): open, items, votes, actions, the review of the previous retro's actions, close.</summary>
public static class Retro
{
    public const int MaxItems = 500;
    public const int MaxActions = 100;

    /// <summary>Opens a retro; it starts with the previous retro's action items to review (those not yet carried over and dropped/done).</summary>
    public static Retrospective Open(string teamId, string sprint, DateOnly from, DateOnly to, string by, DateTimeOffset at, Retrospective? previous, MetricsSnapshot metrics) =>
        new(teamId, sprint, from, to, RetroStatus.Open, by, at, previous?.Sprint, metrics,
            [.. (previous?.Actions ?? []).Select(a => new ReviewedAction(a, previous!.Sprint, null, null))],
            [], [], null, null);

    public static RetroDecision AddItem(Retrospective retro, string itemId, RetroItemKind kind, string text, string authorId, bool anonymous, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(retro);
        if (Closed(retro) is { } closed)
        {
            return closed;
        }

        if (retro.Items.Any(i => i.Id == itemId))
        {
            return new RetroUnchanged(retro);
        }

        return retro.Items.Count >= MaxItems
            ? new RetroRejected($"a retro holds at most {MaxItems} items")
            : new RetroChanged(retro with { Items = [.. retro.Items, new RetroItem(itemId, kind, text, anonymous ? null : authorId, [], at)] });
    }

    /// <summary>One vote per member per item: a second vote by the same member changes nothing.</summary>
    public static RetroDecision Vote(Retrospective retro, string itemId, string memberId)
    {
        ArgumentNullException.ThrowIfNull(retro);
        if (Closed(retro) is { } closed)
        {
            return closed;
        }

        if (retro.Items.FirstOrDefault(i => i.Id == itemId) is not { } item)
        {
            return new RetroRejected($"item {itemId} is not in retro {retro.Sprint}", NotFound: true);
        }

        if (item.Voters.Contains(memberId))
        {
            return new RetroUnchanged(retro);
        }

        var voted = item with { Voters = [.. item.Voters, memberId] };
        return new RetroChanged(retro with { Items = [.. retro.Items.Select(i => i.Id == itemId ? voted : i)] });
    }

    public static RetroDecision AddAction(Retrospective retro, ActionItem action)
    {
        ArgumentNullException.ThrowIfNull(retro);
        ArgumentNullException.ThrowIfNull(action);
        if (Closed(retro) is { } closed)
        {
            return closed;
        }

        if (retro.Actions.Any(a => a.Id == action.Id))
        {
            return new RetroUnchanged(retro);
        }

        if (action.FromItemId is { } itemId && retro.Items.All(i => i.Id != itemId))
        {
            return new RetroRejected($"item {itemId} is not in retro {retro.Sprint}", NotFound: true);
        }

        if (action.DueDate < DateOnly.FromDateTime(retro.OpenedAt.UtcDateTime))
        {
            return new RetroRejected($"the due date {action.DueDate:yyyy-MM-dd} is before the retro was opened");
        }

        return retro.Actions.Count >= MaxActions
            ? new RetroRejected($"a retro holds at most {MaxActions} action items")
            : new RetroChanged(retro with { Actions = [.. retro.Actions, action] });
    }

    /// <summary>Records what became of a previous action item; carried over, it joins this retro's actions.</summary>
    public static RetroDecision ReviewAction(Retrospective retro, string actionId, ReviewOutcome outcome, string? note)
    {
        ArgumentNullException.ThrowIfNull(retro);
        if (Closed(retro) is { } closed)
        {
            return closed;
        }

        if (retro.Review.FirstOrDefault(r => r.Action.Id == actionId) is not { } reviewed)
        {
            return new RetroRejected($"action {actionId} is not among the previous retro's action items", NotFound: true);
        }

        if (reviewed.Outcome is { } already)
        {
            return already == outcome ? new RetroUnchanged(retro) : new RetroRejected($"action {actionId} was already reviewed as {already}");
        }

        var review = retro.Review.Select(r => r.Action.Id == actionId ? r with { Outcome = outcome, Note = note } : r).ToList();
        var actions = outcome == ReviewOutcome.CarriedOver
            ? [.. retro.Actions, reviewed.Action with { CarriedFromSprint = reviewed.FromSprint, FromItemId = null }]
            : retro.Actions;
        return new RetroChanged(retro with { Review = review, Actions = actions });
    }

    /// <summary>Closes the retro; every previous action item must have been reviewed first.</summary>
    public static RetroDecision Close(Retrospective retro, string by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(retro);
        if (retro.Status == RetroStatus.Closed)
        {
            return new RetroUnchanged(retro);
        }

        var pending = retro.Review.Where(r => r.Outcome is null).Select(r => r.Action.Id).ToList();
        return pending.Count > 0
            ? new RetroRejected($"review the previous retro's action items first: {string.Join(", ", pending)}")
            : new RetroChanged(retro with { Status = RetroStatus.Closed, ClosedBy = by, ClosedAt = at });
    }

    private static RetroRejected? Closed(Retrospective retro) =>
        retro.Status == RetroStatus.Closed ? new RetroRejected($"retro {retro.Sprint} of team {retro.TeamId} is closed") : null;
}
