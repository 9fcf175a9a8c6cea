using System.Runtime.InteropServices;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>A local user the host runs a child as (PostgreSQL refuses to run as root).</summary>
internal sealed record UnixUser(string Name, int Uid, int Gid)
{
    public static UnixUser Require(string name, string whenMissing)
    {
        // /etc/passwd is the source of truth for system users on the machines this targets.
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name)
            {
                return new UnixUser(name, int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        throw new DistributedApplicationException(whenMissing);
    }

    /// <summary>Gives a file or folder to this user.</summary>
    public void Own(string path)
    {
        if (NativeMethods.chown(path, Uid, Gid) != 0)
        {
            throw new DistributedApplicationException($"Could not give '{path}' to user '{Name}' (errno {Marshal.GetLastPInvokeError()}). The host must run as root to run PostgreSQL as '{Name}'.");
        }
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // A single libc call; LibraryImport would need unsafe code for no gain.
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        internal static extern int chown([MarshalAs(UnmanagedType.LPStr)] string path, int owner, int group);
#pragma warning restore SYSLIB1054
    }
}
