namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>One sliding window: at most <see cref="Limit"/> messages in any <see cref="Window"/>.</summary>
public sealed record RateWindow(int Limit, TimeSpan Window);

/// <summary>
/// A sliding-window limiter per conversation, for the Bot Connector's documented per-conversation
/// limits: 7 messages per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour. Pure bookkeeping: the
/// caller asks <see cref="TryAcquire"/> with the current time and, when refused, waits the
/// returned delay. Thread-safe; one instance per process (limits are per bot and conversation,
/// so several instances only make each one more careful than necessary, never less).
/// </summary>
public sealed class ConversationRateLimiter(IReadOnlyList<RateWindow> windows)
{
    public static readonly IReadOnlyList<RateWindow> BotConnector =
    [
        new(7, TimeSpan.FromSeconds(1)),
        new(8, TimeSpan.FromSeconds(2)),
        new(60, TimeSpan.FromSeconds(30)),
        new(1800, TimeSpan.FromHours(1)),
    ];

    private readonly TimeSpan _longest = windows.Max(w => w.Window);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ConversationRateLimiter()
        : this(BotConnector)
    {
    }

    /// <summary>Records a send at <paramref name="now"/> and returns zero, or returns how long to wait before trying again.</summary>
    public TimeSpan TryAcquire(string conversationId, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_sent.TryGetValue(conversationId, out var times))
            {
                times = new Queue<DateTimeOffset>();
                _sent[conversationId] = times;
            }

            while (times.Count > 0 && times.Peek() <= now - _longest)
            {
                times.Dequeue();
            }

            var wait = TimeSpan.Zero;
            foreach (var window in windows)
            {
                // The sends inside the window ending now; the oldest of the last Limit of them leaves it first.
                var inside = times.Where(t => t > now - window.Window).ToList();
                if (inside.Count >= window.Limit)
                {
                    var blocking = inside[inside.Count - window.Limit];
                    var until = blocking + window.Window - now;
                    wait = until > wait ? until : wait;
                }
            }

            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            times.Enqueue(now);
            if (_sent.Count > 10_000)
            {
                foreach (var idle in _sent.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList())
                {
                    _sent.Remove(idle);
                }
            }

            return TimeSpan.Zero;
        }
    }
}
