namespace Agile.CustomerService.Application.Blobs;

/// <summary>A stored blob: its bytes and the content type it was written with.</summary>
public sealed record BlobContent(string Name, ReadOnlyMemory<byte> Data, string ContentType);

/// <summary>A blob as a listing shows it.</summary>
public sealed record BlobEntry(string Name, long Size, string ContentType);

/// <summary>
/// The blob port: transcripts attached to cases, CSV exports. Containers and names are checked by
/// <see cref="BlobNames"/>; a put replaces a blob of the same name (puts are idempotent by name).
/// Adapters: Azure Blob Storage (managed identity in Azure) and a local folder (embedded default).
/// </summary>
public interface IBlobStore
{
    Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, string contentType, CancellationToken cancellationToken);

    /// <summary>The blob, or null when it does not exist.</summary>
    Task<BlobContent?> GetAsync(string container, string name, CancellationToken cancellationToken);

    /// <summary>Blobs of a container whose names start with <paramref name="prefix"/>, in name order.</summary>
    Task<IReadOnlyList<BlobEntry>> ListAsync(string container, string prefix, CancellationToken cancellationToken);
}

/// <summary>Names both adapters accept unchanged: Azure's container rules, and blob names safe as relative file paths.</summary>
public static class BlobNames
{
    public const string Transcripts = "transcripts";
    public const string Exports = "exports";

    public static bool IsValidContainer(string? container) =>
        container is { Length: >= 3 and <= 63 }
        && container.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && char.IsAsciiLetterOrDigit(container[0]) && char.IsAsciiLetterOrDigit(container[^1])
        && !container.Contains("--", StringComparison.Ordinal);

    /// <summary>Segments of letters, digits, '.', '_', '-' and '~' separated by '/'; no empty, '.' or '..' segment.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= 512 }
        && name.Split('/').All(segment => segment.Length > 0 && segment is not ("." or "..")
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '~'));

    public static void Check(string container, string name)
    {
        if (!IsValidContainer(container))
        {
            throw new ArgumentException($"'{container}' is not a valid container name", nameof(container));
        }

        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid blob name", nameof(name));
        }
    }

    public static void CheckPrefix(string container, string prefix)
    {
        if (!IsValidContainer(container))
        {
            throw new ArgumentException($"'{container}' is not a valid container name", nameof(container));
        }

        if (prefix.Length > 0 && !IsValidName(prefix.TrimEnd('/')))
        {
            throw new ArgumentException($"'{prefix}' is not a valid blob name prefix", nameof(prefix));
        }
    }
}
