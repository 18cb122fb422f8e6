using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Application.Teams;

/// <summary>
/// Keeps the teams' side in step with case events: frees capacity on resolve, decline and
/// timeout, re-queues, and offers queued work. Idempotent because it reconciles from the
/// case's current state rather than applying the event as a delta.
/// </summary>
public sealed class DispatchReactor(CaseService cases) : IChangeSubscriber
{
    public string Name => "dispatch";

    /// <summary>
    /// Reconciliation reads the case's current state, so an event followed in the batch by another
    /// of its case that this reactor reconciles is left to that one; a spill-over is not, because it
    /// names the team the case left.
    /// </summary>
    public async Task HandleAsync(ChangeBatch batch, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.EventAt(index) is not { } e || Ignored(e)
            || (e is not CaseSpilledOver && batch.HasLaterEventOfTheSameCase(index, later => !Ignored(later))))
        {
            return;
        }

        var current = (await cases.GetAsync(e.CaseId, cancellationToken))?.Value.State;
        var teams = new HashSet<string>(StringComparer.Ordinal);
        if (current is not null)
        {
            teams.Add(current.HandlingTeamId);
            teams.Add(current.OwningTeamId);
        }

        if (e is CaseSpilledOver spilled)
        {
            teams.Add(spilled.FromTeamId);
            teams.Add(spilled.ToTeamId);
        }

        foreach (var team in teams)
        {
            await cases.ReconcileAsync(team, e.CaseId, cancellationToken);
        }
    }

    /// <summary>
    /// Their team-side change (reservation or queue item) was written before the case; an orphan of
    /// a failed write is repaired by the offer-timeout or spill-check timer.
    /// </summary>
    private static bool Ignored(CaseEvent e) => e is CaseOpened or CaseQueued or CaseOffered or HelpRequested;
}
