using System.ComponentModel.DataAnnotations;

namespace PaymentPlatform.Ledger.Transfers;

/// <summary>How concurrent requests share one PostgreSQL transaction (<c>Ledger:GroupCommit</c>).</summary>
public sealed class GroupCommitOptions
{
    public const string Section = "Ledger:GroupCommit";

    /// <summary>
    /// How long a group waits for more requests after its first one, while another group is committing.
    /// An idle ledger commits at once: there is nothing to share a commit with.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A group closes at this many transfers; a larger explicit batch commits alone.</summary>
    [Range(1, 65_520)]
    public int MaxTransfers { get; set; } = 8190;

    /// <summary>Groups committing at the same time (each on its own connection).</summary>
    [Range(1, 64)]
    public int MaxConcurrentGroups { get; set; } = 4;
}
