namespace Agile.CustomerService.Storage.Sqlite;

/// <summary>
/// The turn at the one connection. Waiters are served first come, first served, requests
/// before background work: a background waiter goes next only when no request waits, or once
/// it has waited <see cref="BackgroundPatience"/>, so the subscribers lag under load but never
/// stop. Cancelling a wait gives up the place in the line (ADR 0007).
/// </summary>
internal sealed class StoreGate(TimeProvider time)
{
    public static readonly TimeSpan BackgroundPatience = TimeSpan.FromMilliseconds(50);

    private readonly object _sync = new();
    private readonly LinkedList<Waiter> _requests = new();
    private readonly LinkedList<Waiter> _background = new();
    private bool _held;

    public Task EnterAsync(bool background, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }

            waiter = new Waiter(time.GetTimestamp());
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
        next.TrySetResult();
    }

    private LinkedList<Waiter>? NextLine()
    {
        if (_background.Count > 0 && (_requests.Count == 0 || time.GetElapsedTime(_background.First!.Value.Since) >= BackgroundPatience))
        {
            return _background;
        }

        return _requests.Count > 0 ? _requests : null;
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

    private sealed class Waiter(long since) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Since { get; } = since;

        public CancellationTokenRegistration Registration { get; set; }
    }
}
