using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Application.Retrospectives;
using Agile.CustomerService.Application.Pilots;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Host;
using Agile.CustomerService.Host.Authority;
using Agile.CustomerService.Host.Cases;
using Agile.CustomerService.Host.Customers;
using Agile.CustomerService.Host.Dashboard;
using Agile.CustomerService.Host.Functions;
using Agile.CustomerService.Host.Local;
using Agile.CustomerService.Host.Metrics;
using Agile.CustomerService.Host.Pilots;
using Agile.CustomerService.Host.Retros;
using Agile.CustomerService.Host.Security;
using Agile.CustomerService.Host.MicrosoftTeams;
using Agile.CustomerService.Host.Scheduling;
using Agile.CustomerService.Host.Quality;
using Agile.CustomerService.Host.Teams;
using Agile.CustomerService.Storage.Cosmos;
using Agile.CustomerService.Storage.Sqlite;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Blobs;
using Agile.CustomerService.Application.Quality;
using Agile.CustomerService.Storage.Blobs;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Diagnostics;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// Settings (appsettings.json) come from beside the executable; relative paths such as
// Store:SqlitePath resolve against the working directory (the repository root under dotnet run).
if (args.FirstOrDefault() == "dev-token")
{
    var settings = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables()
        .Build();
    return DevelopmentTokenIssuer.RunCommand(args, settings, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
HostSetup.ConfigureUrls(builder);
HostSetup.AddServices(builder.Services, builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HostSetup.HandleExceptionAsync, StatusCodeSelector = HostSetup.StatusFor });
app.UseStatusCodePages();
app.UseDashboardFiles();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi("/api/openapi/{documentName}.json").AllowAnonymousBecause("the API description is public");
app.MapGet("/", () => Results.Text("Agile.CustomerService is running. API under /api, OpenAPI at /api/openapi/v1.json\n"))
    .ExcludeFromDescription().AllowAnonymousBecause("a liveness banner");
app.MapGet("/api/health", () => Results.Json(new { status = "ok" })).WithTags("Operations").AllowAnonymousBecause("health probes");
app.MapIdentityEndpoints();
app.MapCaseEndpoints();
app.MapTeamEndpoints();
app.MapCustomerEndpoints();
app.MapAuthorityEndpoints();
app.MapTeamsEndpoints();
app.MapScheduleEndpoints();
app.MapFunctionEndpoints();
app.MapMetricEndpoints();
app.MapExportEndpoints();
app.MapRetroEndpoints();
app.MapPilotEndpoints();
app.MapQualityEndpoints();
app.MapDashboard();
if (!HostSetup.UnderFunctionsHost)
{
    app.MapLocalEndpoints();
}

await HostSetup.SeedAsync(app);
await app.RunAsync();
return 0;

namespace Agile.CustomerService.Host
{
    /// <summary>Configuration of the handler: listening address, services, errors and seeding.</summary>
    public static class HostSetup
    {
        public const string DefaultUrl = "http://localhost:7071";

        /// <summary>In Azure the Functions host names the port; locally the Functions default 7071 unless told otherwise.</summary>
        public static void ConfigureUrls(WebApplicationBuilder builder)
        {
            if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } port)
            {
                builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            }
            else if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")))
            {
                builder.WebHost.UseUrls(DefaultUrl);
            }

            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        }

        public static void AddServices(IServiceCollection services, IConfiguration configuration)
        {
            AddTelemetry(services, configuration);
            services.AddProblemDetails();
            Security.AuthSetup.AddAuth(services, configuration, UnderFunctionsHost);
            services.AddOpenApi();
            services.ConfigureHttpJsonOptions(o =>
            {
                foreach (var converter in Json.Options.Converters)
                {
                    o.SerializerOptions.Converters.Add(converter);
                }
            });
            services.AddSingleton(TimeProvider.System);
            var policy = CaseEndpoints.Policy(configuration);
            if (policy.Problem() is { } problem)
            {
                throw new InvalidOperationException($"Routing configuration: {problem}");
            }

            services.AddSingleton(policy);
            services.AddSingleton<IStateStore>(sp =>
            {
                var time = sp.GetRequiredService<TimeProvider>();
                if (UsesCosmos(configuration))
                {
                    var options = configuration.GetSection("Cosmos").Get<CosmosStoreOptions>() ?? new CosmosStoreOptions();
                    options.ManagedIdentityClientId ??= configuration["AZURE_CLIENT_ID"];
                    return CosmosStateStore.Create(options, sp.GetRequiredService<ILoggerFactory>(), time);
                }

                var provider = configuration["Store:Provider"] ?? "sqlite";
                if (!string.Equals(provider, "sqlite", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Store:Provider '{provider}' is not known; use sqlite or cosmos");
                }

                var path = configuration["Store:SqlitePath"] ?? Path.Combine("data", "agile-customerservice.db");
                return new SqliteStateStore(path, time, sp.GetRequiredService<ILogger<SqliteStateStore>>());
            });
            services.AddSingleton<LocalChangeSignal>();
            services.AddSingleton<IChangeNotifier>(sp => sp.GetRequiredService<LocalChangeSignal>());
            services.AddSingleton<CaseService>();
            services.AddSingleton<AdminService>();
            services.AddSingleton<Agile.CustomerService.Application.Authority.AuthorityService>();
            services.AddSingleton<Agile.CustomerService.Application.Scheduling.ScheduleService>();
            services.AddSingleton<Agile.CustomerService.Application.Scheduling.TeamsShiftsSync>();
            Agile.CustomerService.Integrations.Graph.GraphSetup.AddTeamsShifts(services, configuration);
            services.AddSingleton<DemoSeed>();
            services.AddSingleton<BoardProjection>();
            services.AddSingleton<DispatchReactor>();
            services.AddSingleton<DailyRollupProjection>();
            services.AddSingleton<IHandleTimeExemptions, StoredHandleTimeExemptions>();
            services.AddSingleton<MetricsService>();
            services.AddSingleton<FeedbackService>();
            services.AddSingleton<RetroService>();
            services.AddSingleton<ImprovementPromptService>();
            services.AddSingleton<PilotService>();
            TeamsSetup.AddTeams(services, configuration);
            services.AddSingleton<IBlobStore>(_ =>
            {
                var options = configuration.GetSection("Blobs").Get<BlobStoreOptions>() ?? new BlobStoreOptions();
                options.ManagedIdentityClientId ??= configuration["AZURE_CLIENT_ID"];
                return options.Create();
            });
            services.AddSingleton<QualityService>();

            // The local stand-in for the Functions host's non-HTTP triggers (never in Azure).
            services.AddSingleton<LocalBus>();
            services.AddSingleton<FunctionInvoker>();
            services.AddSingleton<IDeliveryFaults, NoDeliveryFaults>();
            services.AddSingleton(sp =>
            {
                var environment = sp.GetRequiredService<IWebHostEnvironment>();
                var root = configuration["Functions:Root"] ?? FunctionCatalog.FindRoot(environment.ContentRootPath)
                    ?? throw new InvalidOperationException("function.json folders not found: set Functions:Root to the folder holding HttpApi/function.json");
                return ActivatorUtilities.CreateInstance<LocalFunctionsHost>(sp, FunctionCatalog.Load(root, configuration));
            });
            services.AddSingleton<LocalHousekeeping>();
            if (RunsLocally(configuration))
            {
                services.AddHostedService<LocalTriggerLoop>();
            }
        }

        /// <summary>
        /// OpenTelemetry traces, metrics and logs: to Azure Monitor when a connection string is
        /// configured (Entra authentication with the app's managed identity), to the console when
        /// Telemetry:Console is true.
        /// </summary>
        private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
        {
            var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
            var console = configuration.GetValue("Telemetry:Console", false);
            // Only built when Azure Monitor is configured: nothing identity-related runs locally.
            var credential = string.IsNullOrEmpty(connectionString)
                ? null
                : new Azure.Identity.DefaultAzureCredential(new Azure.Identity.DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = configuration["AZURE_CLIENT_ID"],
                });
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(Telemetry.Name))
                .WithTracing(tracing =>
                {
                    tracing.AddSource(Telemetry.Name).AddAspNetCoreInstrumentation();
                    if (!string.IsNullOrEmpty(connectionString))
                    {
                        tracing.AddAzureMonitorTraceExporter(o => { o.ConnectionString = connectionString; o.Credential = credential; });
                    }

                    if (console)
                    {
                        tracing.AddConsoleExporter();
                    }
                })
                .WithMetrics(metrics =>
                {
                    metrics.AddMeter(Telemetry.Name, "Agile.CustomerService.Cosmos").AddAspNetCoreInstrumentation();
                    if (!string.IsNullOrEmpty(connectionString))
                    {
                        metrics.AddAzureMonitorMetricExporter(o => { o.ConnectionString = connectionString; o.Credential = credential; });
                    }

                    if (console)
                    {
                        metrics.AddConsoleExporter();
                    }
                })
                .WithLogging(logging =>
                {
                    if (!string.IsNullOrEmpty(connectionString))
                    {
                        logging.AddAzureMonitorLogExporter(o => { o.ConnectionString = connectionString; o.Credential = credential; });
                    }
                });
        }

        /// <summary>The real Functions host started us (it names the port); development tokens are never accepted then.</summary>
        public static bool UnderFunctionsHost => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT"));

        public static bool UsesCosmos(IConfiguration configuration) =>
            string.Equals(configuration["Store:Provider"], "cosmos", StringComparison.OrdinalIgnoreCase);

        /// <summary>The local functions host runs unless the real Functions host started us (it sets the port).</summary>
        public static bool RunsLocally(IConfiguration configuration) =>
            configuration.GetValue("Pipeline:RunLocally", string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT")));

        public static async Task SeedAsync(WebApplication app)
        {
            if (app.Services.GetRequiredService<IStateStore>() is CosmosStateStore cosmos)
            {
                // Emulator mode creates the database and containers; otherwise checks they exist (Bicep made them).
                await cosmos.InitializeAsync(CancellationToken.None);
            }

            // Seeding is for the embedded default; with Cosmos DB only when asked for explicitly.
            var customers = app.Configuration.GetValue("Seed:DemoCustomers", 60_000);
            if (app.Configuration.GetValue("Seed:Demo", !UsesCosmos(app.Configuration)) && customers > 0)
            {
                await app.Services.GetRequiredService<DemoSeed>().SeedIfEmptyAsync(customers, CancellationToken.None);
            }
        }

        public static int StatusFor(Exception exception) => exception switch
        {
            BadHttpRequestException bad => bad.StatusCode,
            InvocationException => StatusCodes.Status400BadRequest,
            StoreUnavailableException => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };

        public static async Task HandleExceptionAsync(HttpContext context)
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var status = error is null ? 500 : StatusFor(error);
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            var detail = status < 500 || status == 503 ? error?.Message : "an unexpected error occurred; it has been logged";
            await Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
        }
    }
}
public partial class Program;
