namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>
/// A window of query results. <see cref="Cursor"/> is what to pass as <c>after</c> next time to
/// get only what is new: nothing is skipped and nothing repeats.
/// </summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, int TotalCount, long Cursor);

internal static class Paging
{
    /// <summary>
    /// Without <paramref name="after"/>: the latest <paramref name="limit"/> matches (a tail).
    /// With it: the first <paramref name="limit"/> matches after it (paging forward).
    /// </summary>
    /// <remarks><paramref name="matches"/> holds every match after <paramref name="after"/>, in ascending sequence order.</remarks>
    public static Page<T> Window<T>(List<T> matches, Func<T, long> sequence, long? after, int limit, long lastSequence)
    {
        if (matches.Count <= limit)
        {
            return new Page<T>(matches, matches.Count, lastSequence);
        }
        if (after is null)
        {
            return new Page<T>(matches.GetRange(matches.Count - limit, limit), matches.Count, lastSequence);
        }
        var first = matches.GetRange(0, limit);
        return new Page<T>(first, matches.Count, sequence(first[^1]));
    }
}
