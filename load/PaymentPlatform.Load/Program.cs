using System.Globalization;
using PaymentPlatform.Load;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Comparison;
using PaymentPlatform.Load.Progress;
using Spectre.Console;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Contains("--help"))
{
    Console.WriteLine(args.FirstOrDefault() == CompareCommand.Name ? CompareCommand.Usage : LoadOptions.Usage);
    return 0;
}
if (args.FirstOrDefault() == CompareCommand.Name)
{
    return CompareCommand.Run(args[1..], Console.Out, Console.Error);
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

// Ctrl+C stops the schedule; what ran is still verified and reported.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

IProgressDisplay display = !options.Plain && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
    ? new LiveProgressDisplay()
    : new PlainProgressDisplay(Console.Out);
return await LoadRun.RunAsync(options, display, stop.Token);
