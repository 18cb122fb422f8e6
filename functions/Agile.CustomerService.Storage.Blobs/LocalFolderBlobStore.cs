using Agile.CustomerService.Application.Blobs;

namespace Agile.CustomerService.Storage.Blobs;

/// <summary>
/// The embedded default: blobs as files under a folder (./data/blobs), one sub-folder per container.
/// The content type is kept beside the data under <c>.content-types/</c>. A put writes a temporary
/// file and moves it into place, so a reader never sees half a blob.
/// </summary>
public sealed class LocalFolderBlobStore(string root) : IBlobStore
{
    private const string ContentTypes = ".content-types";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, string contentType, CancellationToken cancellationToken)
    {
        BlobNames.Check(container, name);
        var path = DataPath(container, name);
        await WriteAtomicallyAsync(MetaPath(container, name), System.Text.Encoding.UTF8.GetBytes(contentType), cancellationToken);
        await WriteAtomicallyAsync(path, data, cancellationToken);
    }

    public async Task<BlobContent?> GetAsync(string container, string name, CancellationToken cancellationToken)
    {
        BlobNames.Check(container, name);
        var path = DataPath(container, name);
        if (!File.Exists(path))
        {
            return null;
        }

        var data = await File.ReadAllBytesAsync(path, cancellationToken);
        return new BlobContent(name, data, await ContentTypeAsync(container, name, cancellationToken));
    }

    public async Task<IReadOnlyList<BlobEntry>> ListAsync(string container, string prefix, CancellationToken cancellationToken)
    {
        BlobNames.CheckPrefix(container, prefix);
        var folder = Path.Combine(Root, container);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var entries = new List<BlobEntry>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            if (name.EndsWith(".tmp", StringComparison.Ordinal) || !name.StartsWith(prefix, StringComparison.Ordinal) || !BlobNames.IsValidName(name))
            {
                continue;
            }

            entries.Add(new BlobEntry(name, new FileInfo(file).Length, await ContentTypeAsync(container, name, cancellationToken)));
        }

        return [.. entries.OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    private string DataPath(string container, string name) => Path.Combine(Root, container, name.Replace('/', Path.DirectorySeparatorChar));

    private string MetaPath(string container, string name) => Path.Combine(Root, ContentTypes, container, name.Replace('/', Path.DirectorySeparatorChar));

    private async Task<string> ContentTypeAsync(string container, string name, CancellationToken cancellationToken)
    {
        var meta = MetaPath(container, name);
        return File.Exists(meta) ? await File.ReadAllTextAsync(meta, cancellationToken) : "application/octet-stream";
    }

    private static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, data, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
