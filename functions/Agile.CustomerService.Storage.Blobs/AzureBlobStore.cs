using System.Collections.Concurrent;
using Agile.CustomerService.Application.Blobs;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Agile.CustomerService.Storage.Blobs;

/// <summary>Blob storage settings (section <c>Blobs</c>).</summary>
public sealed class BlobStoreOptions
{
    /// <summary><c>local</c> (folder, the embedded default) or <c>azure</c>; unset: azure when an endpoint or connection string is set.</summary>
    public string? Provider { get; set; }

    /// <summary>The local folder; relative paths resolve against the working directory.</summary>
    public string LocalPath { get; set; } = Path.Combine("data", "blobs");

    /// <summary>The account's blob endpoint, e.g. https://acct.blob.core.windows.net; used with managed identity.</summary>
    public Uri? AccountEndpoint { get; set; }

    /// <summary>Tests and Azurite only: a connection string with an account key. Never used in Azure.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The user-assigned managed identity's client id (AZURE_CLIENT_ID).</summary>
    public string? ManagedIdentityClientId { get; set; }

    public bool UsesAzure => Provider is { Length: > 0 } p
        ? string.Equals(p, "azure", StringComparison.OrdinalIgnoreCase)
        : AccountEndpoint is not null || !string.IsNullOrEmpty(ConnectionString);

    /// <summary>The adapter these options choose.</summary>
    public IBlobStore Create()
    {
        if (Provider is { Length: > 0 } p && !p.Equals("azure", StringComparison.OrdinalIgnoreCase) && !p.Equals("local", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Blobs:Provider '{p}' is not known; use local or azure");
        }

        return UsesAzure ? AzureBlobStore.Create(this) : new LocalFolderBlobStore(LocalPath);
    }
}

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs. In Azure the client authenticates with the app's
/// managed identity (DefaultAzureCredential; shared-key access is disabled on the account); a
/// connection string is accepted for Azurite in tests. Containers are created on first use.
/// </summary>
public sealed class AzureBlobStore(BlobServiceClient service) : IBlobStore
{
    private readonly ConcurrentDictionary<string, Task<BlobContainerClient>> _containers = new(StringComparer.Ordinal);

    public static AzureBlobStore Create(BlobStoreOptions options)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 3;
        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            return new AzureBlobStore(new BlobServiceClient(options.ConnectionString, clientOptions));
        }

        var endpoint = options.AccountEndpoint
            ?? throw new InvalidOperationException("Blobs:AccountEndpoint is required for Azure Blob Storage (e.g. https://<account>.blob.core.windows.net)");
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
        return new AzureBlobStore(new BlobServiceClient(endpoint, credential, clientOptions));
    }

    public async Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, string contentType, CancellationToken cancellationToken)
    {
        BlobNames.Check(container, name);
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        await blob.UploadAsync(
            BinaryData.FromBytes(data),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancellationToken);
    }

    public async Task<BlobContent?> GetAsync(string container, string name, CancellationToken cancellationToken)
    {
        BlobNames.Check(container, name);
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken);
            return new BlobContent(name, result.Value.Content.ToMemory(), result.Value.Details.ContentType ?? "application/octet-stream");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<BlobEntry>> ListAsync(string container, string prefix, CancellationToken cancellationToken)
    {
        BlobNames.CheckPrefix(container, prefix);
        var client = await ContainerAsync(container, cancellationToken);
        var entries = new List<BlobEntry>();
        await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            entries.Add(new BlobEntry(item.Name, item.Properties.ContentLength ?? 0, item.Properties.ContentType ?? "application/octet-stream"));
        }

        return [.. entries.OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    private Task<BlobContainerClient> ContainerAsync(string container, CancellationToken cancellationToken)
    {
        var task = _containers.GetOrAdd(container, async name =>
        {
            var client = service.GetBlobContainerClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            return client;
        });
        if (task.IsFaulted || task.IsCanceled)
        {
            _containers.TryRemove(container, out _);
        }

        return task.WaitAsync(cancellationToken);
    }
}
