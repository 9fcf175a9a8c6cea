using System.Globalization;
using Spectre.Console;

namespace PaymentPlatform.Load.Progress;

/// <summary>A live table redrawn once a second (Spectre.Console), for a terminal: the last full second's rate and p99, open requests.</summary>
public sealed class LiveProgressDisplay : IProgressDisplay
{
    public Task RunAsync(Func<IProgress<ProgressSnapshot>, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("step", "stage", "time", "target/s", "sent/s", "done", "errors", "dropped", "open", "p99 ms");
        table.AddEmptyRow();
        return AnsiConsole.Live(table).AutoClear(false).StartAsync(context => work(new TableUpdater(table, context)));
    }

    public void Note(string message) => AnsiConsole.MarkupLine(Markup.Escape(message));

    private sealed class TableUpdater(Table table, LiveDisplayContext context) : IProgress<ProgressSnapshot>
    {
        public void Report(ProgressSnapshot s)
        {
            string Text(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
            table.UpdateCell(0, 0, Markup.Escape(s.Step));
            table.UpdateCell(0, 1, Markup.Escape(s.Stage));
            table.UpdateCell(0, 2, Text($"{s.Elapsed.TotalSeconds:0}/{s.Duration.TotalSeconds:0}"));
            table.UpdateCell(0, 3, Text($"{s.TargetRate:0}"));
            table.UpdateCell(0, 4, Text($"{s.SentLastSecond:0}"));
            table.UpdateCell(0, 5, Text($"{s.Completed}"));
            table.UpdateCell(0, 6, s.Errors > 0 ? $"[red]{s.Errors}[/]" : "0");
            table.UpdateCell(0, 7, s.Dropped > 0 ? $"[yellow]{s.Dropped}[/]" : "0");
            table.UpdateCell(0, 8, Text($"{s.InFlight}"));
            table.UpdateCell(0, 9, s.P99LastSecondMs is { } p ? Text($"{p:0.00}") : "-");
            context.Refresh();
        }
    }
}
