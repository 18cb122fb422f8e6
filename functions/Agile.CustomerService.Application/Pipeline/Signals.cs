namespace Agile.CustomerService.Application.Pipeline;

/// <summary>Wakes the local change-log runner after a commit, so projections follow within milliseconds.</summary>
public interface IChangeNotifier
{
    void Notify();
}

public sealed class NoChangeNotifier : IChangeNotifier
{
    public static readonly NoChangeNotifier Instance = new();

    public void Notify()
    {
    }
}
