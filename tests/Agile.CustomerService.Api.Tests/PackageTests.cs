using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Agile.CustomerService.Host.Functions;
using Agile.CustomerService.Host.Local;

namespace Agile.CustomerService.Api.Tests;

/// <summary>The deployable package and the function.json contract (issue 3).</summary>
public class PackageTests
{
    [Fact]
    public async Task FunctionJson_EveryNonHttpTrigger_IsServedByTheHandler()
    {
        var functions = FunctionCatalog.Load(Path.Combine(Repository.Root(), "functions"));
        using var app = new TestApp();

        Assert.Contains(functions, f => f.Name == "HttpApi" && f.TriggerType == "httpTrigger");
        foreach (var function in functions.Where(f => f.TriggerType != "httpTrigger"))
        {
            Assert.True(FunctionEndpoints.Served.TryGetValue(function.Name, out var trigger), $"{function.Name} is not served");
            Assert.Equal(trigger, function.TriggerType);
            using var response = await app.Client.PostAsync($"/{function.Name}", new StringContent("{\"Data\":{},\"Metadata\":{}}", Encoding.UTF8, "application/json"));
            Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(FunctionEndpoints.Served.Keys.Order(), functions.Where(f => f.TriggerType != "httpTrigger").Select(f => f.Name).Order());
    }

    [Theory]
    [InlineData("AzureWebJobs.BoardProjection.Disabled", "true")]
    [InlineData("AzureWebJobs.BoardProjection.Disabled", "True")]
    [InlineData("AzureWebJobs.BoardProjection.Disabled", "1")]
    [InlineData("AzureWebJobs:BoardProjection:Disabled", "true")] // AzureWebJobs__BoardProjection__Disabled in the environment
    public void FunctionCatalog_AppSettingDisablesAFunction_AsInAzure(string key, string value)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var functions = FunctionCatalog.Load(Path.Combine(Repository.Root(), "functions"), settings);

        Assert.Equal(["BoardProjection"], functions.Where(f => f.IsDisabled).Select(f => f.Name));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData("yes")]
    public void FunctionCatalog_DisabledSettingNotTrue_LeavesTheFunctionEnabled(string value)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobs.BoardProjection.Disabled"] = value }).Build();

        var functions = FunctionCatalog.Load(Path.Combine(Repository.Root(), "functions"), settings);

        Assert.DoesNotContain(functions, f => f.IsDisabled);
    }

    [Fact]
    public async Task Publish_Package_HasTheFunctionsLayoutAndTheHandlerAnswersTheHost()
    {
        var root = Repository.Root();
        var output = Path.Combine(Path.GetTempPath(), "acs-package", Guid.NewGuid().ToString("N"));
        try
        {
            var (code, log) = await RunAsync("sh", [Path.Combine(root, "functions", "publish.sh"), output], root, TimeSpan.FromMinutes(5));
            Assert.True(code == 0, log);

            Assert.True(File.Exists(Path.Combine(output, "host.json")));
            var handler = Path.Combine(output, "Agile.CustomerService.Host");
            Assert.True(File.Exists(handler));
            Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(handler).HasFlag(UnixFileMode.UserExecute));
            foreach (var definition in Directory.EnumerateFiles(Path.Combine(root, "functions"), "function.json", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(Path.GetDirectoryName(definition))!;
                Assert.Equal(File.ReadAllText(definition), File.ReadAllText(Path.Combine(output, name, "function.json")));
            }

            await AssertHandlerStartsAsync(handler, output);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>Started as the Functions host starts it: the port in FUNCTIONS_CUSTOMHANDLER_PORT, polled on GET /.</summary>
    private static async Task AssertHandlerStartsAsync(string handler, string appRoot)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(handler) { WorkingDirectory = appRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Store__SqlitePath"] = Path.Combine(appRoot, "data", "package-test.db");
        info.Environment["Seed__Demo"] = "false";
        info.Environment["Auth__TenantId"] = TestTokens.TenantId;
        info.Environment["Auth__ClientId"] = TestTokens.ClientId;
        info.Environment["Auth__DevelopmentTokens"] = "true";
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpResponseMessage? ready = null;
            for (var attempt = 0; attempt < 300 && ready is null; attempt++)
            {
                try
                {
                    ready = await http.GetAsync("/");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.NotNull(ready);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            using var tick = await http.PostAsync("/DueTimers", new StringContent("{\"Data\":{\"timer\":{\"IsPastDue\":false}},\"Metadata\":{}}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, tick.StatusCode);
            Assert.Contains("\"Outputs\"", await tick.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Under the Functions host a development token is refused even when asked for in settings.
            var settings = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Store:SqlitePath"] = Path.Combine(appRoot, "data", "package-test.db") })
                .Build();
            var development = Agile.CustomerService.Host.Security.DevelopmentTokenIssuer.ForStore(settings).Mint("north-1-a01", ["Admin"], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
            me.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", development);
            using var refused = await http.SendAsync(me);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Log)> RunAsync(string file, string[] args, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
