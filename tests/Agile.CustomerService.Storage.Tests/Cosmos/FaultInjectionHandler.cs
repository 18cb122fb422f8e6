using Microsoft.Azure.Cosmos;

namespace Agile.CustomerService.Storage.Tests.Cosmos;

/// <summary>
/// A handler in the Cosmos client's request pipeline: by default it passes every request on;
/// a test sets <see cref="OnSend"/> to answer instead of the server (429, 503, timeouts), to act
/// before the request goes on (a concurrent writer racing the request), or to drop the answer.
/// </summary>
public sealed class FaultInjectionHandler : RequestHandler
{
    public delegate Task<ResponseMessage> Fault(RequestMessage request, Func<Task<ResponseMessage>> next);

    private int _batches;

    public Fault? OnSend { get; set; }

    /// <summary>Transactional batch requests seen, faulted or not.</summary>
    public int Batches => Volatile.Read(ref _batches);

    public static bool IsBatch(RequestMessage request) => request.Headers["x-ms-cosmos-is-batch-request"] is not null;

    public static bool IsPointRead(RequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri.OriginalString.Contains("/docs/", StringComparison.Ordinal);

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        if (IsBatch(request))
        {
            Interlocked.Increment(ref _batches);
        }

        var fault = OnSend;
        return fault is null
            ? base.SendAsync(request, cancellationToken)
            : fault(request, () => base.SendAsync(request, cancellationToken));
    }

    public void Reset()
    {
        OnSend = null;
        Interlocked.Exchange(ref _batches, 0);
    }
}
