using System.Globalization;
using PaymentPlatform.Risk.Benchmarks;

// Server mode (the default) starts PostgreSQL, Redis and the risk service in this process, then
// runs this program again as the HTTP client; client mode is that other process.
var options = BenchmarkOptions.Parse(args);
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
return options.Client
    ? await LoadClient.RunAsync(options)
    : await BenchmarkServer.RunAsync(options);
