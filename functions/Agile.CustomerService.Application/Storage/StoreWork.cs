namespace Agile.CustomerService.Application.Storage;

/// <summary>
/// Whether the store work of the current flow is background work (the change-feed subscribers,
/// timers, the local bus) rather than a request someone waits for. A hint to adapters that
/// serialise their work: the embedded SQLite store serves requests first (ADR 0007). Flows
/// with the async context, like <see cref="System.Diagnostics.Activity.Current"/>.
/// </summary>
public static class StoreWork
{
    private static readonly AsyncLocal<bool> Background = new();

    public static bool IsBackground => Background.Value;

    /// <summary>Marks the rest of the calling flow, and what it starts, as background work.</summary>
    public static void MarkBackground() => Background.Value = true;
}
