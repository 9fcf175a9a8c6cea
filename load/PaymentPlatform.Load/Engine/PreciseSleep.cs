using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PaymentPlatform.Load.Engine;

/// <summary>
/// Sleeps until a <c>Stopwatch</c> timestamp with sub-millisecond precision and without spinning:
/// Thread.Sleep cannot wait less than a millisecond, which is five arrivals at 5,000/s, and a
/// spinning scheduler would take one of the machine's two cores from the server it measures.
/// On Linux, nanosleep wakes within the thread's timer slack (50 µs by default).
/// </summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;

    public static void Until(long timestamp)
    {
        while (true)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            if (OperatingSystem.IsLinux())
            {
                var nanoseconds = remaining.Ticks * 100;
                var request = new TimeSpec(nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000);
                // A signal may end the sleep early (EINTR): the loop sleeps the rest.
                _ = ClockNanosleep(ClockMonotonic, 0, in request, out _);
            }
            else if (remaining >= TimeSpan.FromMilliseconds(1))
            {
                Thread.Sleep(remaining);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, out TimeSpec remaining);
}
