namespace Agile.CustomerService.Storage.Sqlite;

/// <summary>
/// The turn at the one connection. Waiters are served first come, first served, requests
/// before background work, but not all of them: while background work waits, every
/// <see cref="RequestTurnsPerBackgroundTurn"/> request turns are followed by a background one,
/// so under load the subscribers slow down but keep a share of the store. Cancelling a wait
/// gives up the place in the line (ADR 0007). The turn is given back by disposing it.
/// </summary>
internal sealed class StoreGate
{
    public const int RequestTurnsPerBackgroundTurn = 3;

    private readonly Task<Turn> _free;
    private readonly object _sync = new();
    private readonly LinkedList<Waiter> _requests = new();
    private readonly LinkedList<Waiter> _background = new();
    private bool _held;
    private int _requestTurnsWhileBackgroundWaits;

    public StoreGate() => _free = Task.FromResult(new Turn(this));

    public Task<Turn> EnterAsync(bool background, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return _free;
            }

            waiter = new Waiter();
            node = (background ? _background : _requests).AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() => Abandon(node, cancellationToken));
            if (waiter.Task.IsCompleted)
            {
                waiter.Registration.Dispose(); // given the turn before the registration was made
            }
        }

        return waiter.Task;
    }

    public void Exit()
    {
        Waiter next;
        lock (_sync)
        {
            var line = NextLine();
            if (line is null)
            {
                _held = false;
                return;
            }

            next = line.First!.Value;
            line.RemoveFirst();
        }

        next.Registration.Dispose();
        next.TrySetResult(new Turn(this));
    }

    private LinkedList<Waiter>? NextLine()
    {
        if (_background.Count > 0 && (_requests.Count == 0 || _requestTurnsWhileBackgroundWaits >= RequestTurnsPerBackgroundTurn))
        {
            _requestTurnsWhileBackgroundWaits = 0;
            return _background;
        }

        if (_requests.Count == 0)
        {
            return null;
        }

        if (_background.Count > 0)
        {
            _requestTurnsWhileBackgroundWaits++;
        }

        return _requests;
    }

    private void Abandon(LinkedListNode<Waiter> node, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (node.List is null)
            {
                return; // already given the turn; the caller releases it
            }

            node.List.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }

    /// <summary>A turn at the connection; disposing it gives the connection to the next in line.</summary>
    public readonly struct Turn(StoreGate gate) : IDisposable
    {
        public void Dispose() => gate.Exit();
    }

    private sealed class Waiter() : TaskCompletionSource<Turn>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public CancellationTokenRegistration Registration { get; set; }
    }
}
