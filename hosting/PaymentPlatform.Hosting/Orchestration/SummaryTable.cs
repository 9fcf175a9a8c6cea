using System.Text;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>The start-up summary: one row per resource with its state, replicas and address.</summary>
internal static class SummaryTable
{
    public static string Render(IReadOnlyList<ResourceSnapshot> resources, TimeSpan elapsed)
    {
        string[] headers = ["Resource", "Type", "State", "Replicas", "Address"];
        var rows = resources.Select(r => new[]
        {
            r.Name,
            r.Type,
            r.IsHealthy ? "Healthy" : $"{r.State} ({r.Health})",
            r.Replicas.Count == 0 ? "-" : $"{r.Replicas.Count(x => x.Health == ResourceHealth.Healthy)}/{r.Replicas.Count}",
            r.Url ?? "",
        }).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[i].Length))).ToArray();

        var sb = new StringBuilder();
        var allHealthy = resources.All(r => r.IsHealthy);
        sb.AppendLine();
        sb.AppendLine(allHealthy
            ? $"All {resources.Count} resources healthy in {elapsed.TotalSeconds:0.0} s."
            : $"Not every resource is healthy after {elapsed.TotalSeconds:0.0} s:");
        sb.AppendLine(Line(headers, widths));
        sb.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            sb.AppendLine(Line(row, widths));
        }
        sb.Append("Press Ctrl+C to stop.");
        return sb.ToString();
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
}
