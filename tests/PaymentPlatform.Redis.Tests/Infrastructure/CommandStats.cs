using System.Globalization;

namespace PaymentPlatform.Redis.Tests.Infrastructure;

/// <summary>Reads how often the server ran each command (INFO commandstats), to see what went over the wire.</summary>
internal static class CommandStats
{
    public static async Task<long> CallsAsync(RedisClient client, string command)
    {
        string info = (string)(await client.ExecuteAsync("INFO", "commandstats"))!;
        string prefix = $"cmdstat_{command.ToLowerInvariant()}:calls=";
        foreach (string line in info.Split("\r\n"))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return long.Parse(line[prefix.Length..].Split(',')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>A numeric field of an INFO section, such as <c>blocked_clients</c> in <c>clients</c>.</summary>
    public static async Task<long> InfoAsync(RedisClient client, string section, string name)
    {
        string info = (string)(await client.ExecuteAsync("INFO", section))!;
        string prefix = name + ":";
        string line = info.Split("\r\n").Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return long.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
