using Microsoft.AspNetCore.StaticFiles;
using Agile.CustomerService.Host.Security;
using Microsoft.Extensions.FileProviders;

namespace Agile.CustomerService.Host.Dashboard;

/// <summary>
/// The coach dashboard: static pages (wwwroot/dashboard, copied beside the executable) that read the
/// API, served under <c>/api/dashboard/</c> because in Azure the Functions host forwards only the
/// <c>api</c> route prefix to the handler (HttpApi/function.json); <c>/dashboard</c> redirects there. No external CDN and no inline script, so it runs offline and as a Microsoft Teams tab; the
/// Content-Security-Policy allows only the app itself and Teams as the framing host.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
        "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.office.com https://*.cloud.microsoft";

    public const string Path = "/api/dashboard";

    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "wwwroot", "dashboard");

    /// <summary>The pages themselves hold no data, so they are served before authentication; every API call they make carries the caller's token.</summary>
    public static void UseDashboardFiles(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Folder);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path))
            {
                context.Response.Headers.ContentSecurityPolicy = Policy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "no-cache";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
            }

            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
        });
    }

    public static void MapDashboard(this WebApplication app)
    {
        // One route serves both ".../dashboard" (redirected, so relative links resolve) and ".../dashboard/".
        app.MapGet(Path, (HttpRequest request) => request.Path.Value!.EndsWith('/')
                ? Results.File(System.IO.Path.Combine(Folder, "index.html"), "text/html; charset=utf-8")
                : Results.Redirect(Path + "/"))
            .ExcludeFromDescription().AllowAnonymousBecause("the dashboard's page holds no data; its API calls carry the caller's token");
        // The query is kept: a Teams tab opens the page with ?inTeams=true.
        app.MapGet("/dashboard", (HttpRequest request) => Results.Redirect(Path + "/" + request.QueryString)).ExcludeFromDescription().AllowAnonymousBecause("a redirect to the dashboard");
    }
}
