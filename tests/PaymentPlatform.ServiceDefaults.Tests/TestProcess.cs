using System.Runtime.CompilerServices;

namespace PaymentPlatform.ServiceDefaults.Tests;

internal static class TestProcess
{
    /// <summary>
    /// Dozens of real servers and clients share this process on two cores; with the default
    /// minimum (one thread per core) the pool grows slowly under xunit's parallel classes
    /// and sub-second timeouts under test measure thread starvation instead.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
