using System.Text;
using Agile.CustomerService.Application.Blobs;
using Agile.CustomerService.Storage.Blobs;

namespace Agile.CustomerService.Storage.Tests.Blobs;

/// <summary>A blob store for the contract tests; each test class gets its own.</summary>
public interface IBlobFixture : IAsyncLifetime
{
    IBlobStore Store { get; }
}

/// <summary>The blob port's contract, run against the local folder and against Azurite (Azure Blob Storage).</summary>
public abstract class BlobStoreContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IBlobFixture
{
    private IBlobStore Store => fixture.Store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewContainer() => $"c{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Put_ThenGet_ReturnsTheSameBytesAndContentType()
    {
        var container = NewContainer();
        var data = Encoding.UTF8.GetBytes("Agent: Grüße, how can I help? ✓\r\nCustomer: my bill");

        await Store.PutAsync(container, "cust-00001~abc/t1.txt", data, "text/plain; charset=utf-8", Ct);
        var blob = await Store.GetAsync(container, "cust-00001~abc/t1.txt", Ct);

        Assert.NotNull(blob);
        Assert.Equal(data, blob.Data.ToArray());
        Assert.Equal("text/plain; charset=utf-8", blob.ContentType);
    }

    [Fact]
    public async Task Get_MissingBlobOrContainer_ReturnsNull()
    {
        var container = NewContainer();
        await Store.PutAsync(container, "present.csv", "a,b\n"u8.ToArray(), "text/csv", Ct);

        Assert.Null(await Store.GetAsync(container, "absent.csv", Ct));
        Assert.Null(await Store.GetAsync(NewContainer(), "present.csv", Ct));
    }

    [Fact]
    public async Task Put_SameNameAgain_ReplacesTheBlob()
    {
        var container = NewContainer();
        await Store.PutAsync(container, "export.csv", "old,old,old\n"u8.ToArray(), "text/csv", Ct);

        await Store.PutAsync(container, "export.csv", "new\n"u8.ToArray(), "text/csv; charset=utf-8", Ct);

        var blob = await Store.GetAsync(container, "export.csv", Ct);
        Assert.Equal("new\n", Encoding.UTF8.GetString(blob!.Data.Span));
        Assert.Equal("text/csv; charset=utf-8", blob.ContentType);
        Assert.Single(await Store.ListAsync(container, "", Ct));
    }

    [Fact]
    public async Task List_ByPrefix_ReturnsMatchingBlobsInNameOrderWithSizeAndType()
    {
        var container = NewContainer();
        await Store.PutAsync(container, "case-b/2.txt", "bb"u8.ToArray(), "text/plain", Ct);
        await Store.PutAsync(container, "case-a/1.txt", "a"u8.ToArray(), "text/plain", Ct);
        await Store.PutAsync(container, "case-a/0.csv", "x,y,z"u8.ToArray(), "text/csv", Ct);

        var all = await Store.ListAsync(container, "", Ct);
        var caseA = await Store.ListAsync(container, "case-a/", Ct);

        Assert.Equal(["case-a/0.csv", "case-a/1.txt", "case-b/2.txt"], all.Select(b => b.Name));
        Assert.Equal([new BlobEntry("case-a/0.csv", 5, "text/csv"), new BlobEntry("case-a/1.txt", 1, "text/plain")], caseA);
    }

    [Fact]
    public async Task List_EmptyOrUnknownContainer_ReturnsNothing()
    {
        var blobs = await Store.ListAsync(NewContainer(), "", Ct);

        Assert.Empty(blobs);
    }

    [Fact]
    public async Task Put_EmptyBlob_IsStoredWithZeroLength()
    {
        var container = NewContainer();

        await Store.PutAsync(container, "empty.txt", ReadOnlyMemory<byte>.Empty, "text/plain", Ct);

        Assert.Equal(0, (await Store.GetAsync(container, "empty.txt", Ct))!.Data.Length);
        Assert.Equal(0, (await Store.ListAsync(container, "", Ct)).Single().Size);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../b.txt")]
    [InlineData("/rooted.txt")]
    [InlineData("back\\slash.txt")]
    [InlineData("")]
    public async Task Put_UnsafeName_IsRejectedAndWritesNothing(string name)
    {
        var container = NewContainer();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(container, name, "x"u8.ToArray(), "text/plain", Ct));

        Assert.Empty(await Store.ListAsync(container, "", Ct));
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("ab")]
    [InlineData("has_underscore")]
    [InlineData("../etc")]
    public async Task Put_InvalidContainer_IsRejected(string container)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(container, "a.txt", "x"u8.ToArray(), "text/plain", Ct));
    }

    [Fact]
    public async Task Put_ManyBlobsConcurrently_AllReadBack()
    {
        var container = NewContainer();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Store.PutAsync(container, $"t/{i:D2}.txt", Encoding.UTF8.GetBytes($"transcript {i}"), "text/plain", Ct)));

        var listed = await Store.ListAsync(container, "t/", Ct);
        Assert.Equal(20, listed.Count);
        Assert.Equal("transcript 7", Encoding.UTF8.GetString((await Store.GetAsync(container, "t/07.txt", Ct))!.Data.Span));
    }
}

/// <summary>The local folder adapter (the embedded default) on a fresh temporary folder.</summary>
public sealed class LocalFolderBlobFixture : IBlobFixture
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "acs-blob-tests", Guid.NewGuid().ToString("N"));

    public IBlobStore Store { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Store = new LocalFolderBlobStore(_root);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs against Azurite (AZURITE_CONNECTION_STRING,
/// exported by tests/stand-ins/azurite/start.sh). Fails, never skips, when Azurite is not running.
/// </summary>
public sealed class AzuriteBlobFixture : IBlobFixture
{
    public IBlobStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                "AZURITE_CONNECTION_STRING is not set: start Azurite with `source tests/stand-ins/azurite/start.sh` from the repository root " +
                "(or run ./test.sh, which starts it).");
        }

        Store = new BlobStoreOptions { ConnectionString = connectionString }.Create();
        Assert.IsType<AzureBlobStore>(Store);
        try
        {
            await Store.ListAsync("probe", "", TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            throw new InvalidOperationException($"Azurite is not reachable ({ex.Message}); start it with `source tests/stand-ins/azurite/start.sh`.", ex);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class LocalFolderBlobStoreContractTests(LocalFolderBlobFixture fixture) : BlobStoreContractTests<LocalFolderBlobFixture>(fixture);

public sealed class AzuriteBlobStoreContractTests(AzuriteBlobFixture fixture) : BlobStoreContractTests<AzuriteBlobFixture>(fixture);

public sealed class BlobStoreOptionsTests
{
    [Fact]
    public void Create_NothingConfigured_IsTheLocalFolder()
    {
        var store = new BlobStoreOptions().Create();

        var local = Assert.IsType<LocalFolderBlobStore>(store);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "blobs")), local.Root);
    }

    [Fact]
    public void Create_AccountEndpoint_IsAzureWithManagedIdentity()
    {
        var store = new BlobStoreOptions { AccountEndpoint = new Uri("https://acct.blob.core.windows.net"), ManagedIdentityClientId = "00000000-0000-0000-0000-000000000001" }.Create();

        Assert.IsType<AzureBlobStore>(store);
    }

    [Fact]
    public void Create_AzureWithoutEndpoint_SaysWhatIsMissing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BlobStoreOptions { Provider = "azure" }.Create());

        Assert.Contains("Blobs:AccountEndpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownProvider_IsRejected()
    {
        Assert.Throws<InvalidOperationException>(() => new BlobStoreOptions { Provider = "s3" }.Create());
    }
}
