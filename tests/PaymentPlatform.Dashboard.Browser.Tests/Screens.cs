using Microsoft.Playwright;

namespace PaymentPlatform.Dashboard.Browser.Tests;

/// <summary>Screenshots as test artifacts, and waits that say what they waited for.</summary>
public static class Screens
{
    /// <summary>The screenshots the README shows, copied into docs/images when UPDATE_DOCS_SCREENSHOTS=1.</summary>
    private static readonly HashSet<string> ForDocs = ["dashboard-resources", "dashboard-trace-waterfall"];

    /// <summary>Saves what a 1280×800 window shows (or the whole page, for a long waterfall).</summary>
    public static async Task SaveAsync(this IPage page, DashboardBrowserFixture fixture, string name, bool fullPage = false)
    {
        var path = Path.Combine(fixture.ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        // Off by default so that a test run does not rewrite tracked files.
        if (ForDocs.Contains(name) && Environment.GetEnvironmentVariable("UPDATE_DOCS_SCREENSHOTS") == "1" && RepositoryRoot() is { } root)
        {
            var images = Directory.CreateDirectory(Path.Combine(root, "docs", "images"));
            File.Copy(path, Path.Combine(images.FullName, name + ".png"), overwrite: true);
        }
    }

    /// <summary>
    /// Runs a Playwright expectation (which retries until its time-out); when it fails, saves a
    /// screenshot of the page and fails with what was awaited.
    /// </summary>
    public static async Task UntilAsync(this IPage page, DashboardBrowserFixture fixture, string waitingFor, Func<Task> expectation)
    {
        try
        {
            await expectation();
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            var name = $"failed-{DateTime.UtcNow:HHmmss}-{new string([.. waitingFor.Where(char.IsLetterOrDigit).Take(40)])}";
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotDirectory, name + ".png") });
            throw new TimeoutException($"Waited for {waitingFor} on {page.Url}; it did not happen (screenshot {name}.png). {ex.Message}", ex);
        }
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PaymentPlatform.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
