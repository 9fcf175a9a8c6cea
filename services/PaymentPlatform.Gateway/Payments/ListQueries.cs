using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>
/// Stripe's list parameters: <c>limit</c> (1-100, default 10), one of <c>starting_after</c> / <c>ending_before</c>,
/// <c>created[gte]</c> / <c>created[lte]</c> (Unix seconds), <c>status</c> for payments and <c>payment</c> for refunds.
/// </summary>
internal static partial class ListQueries
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public static (ListQuery? Query, ProblemHttpResult? Problem) Parse(HttpRequest request, bool allowStatus = false, bool allowPayment = false)
    {
        var q = request.Query;
        var limit = DefaultLimit;
        if (q.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return (null, Problems.BadRequest("invalid_request", $"limit is a whole number from 1 to {MaxLimit}."));
        }
        var startingAfter = Single(q, "starting_after");
        var endingBefore = Single(q, "ending_before");
        if ((startingAfter is not null && !IsObjectId(startingAfter)) || (endingBefore is not null && !IsObjectId(endingBefore)))
        {
            return (null, Problems.BadRequest("invalid_request", "starting_after and ending_before are object ids, such as pay_ followed by letters and digits."));
        }
        if (startingAfter is not null && endingBefore is not null)
        {
            return (null, Problems.BadRequest("invalid_request", "Use starting_after or ending_before, not both."));
        }
        if (!TryTime(q, "created[gte]", out var gte) || !TryTime(q, "created[lte]", out var lte))
        {
            return (null, Problems.BadRequest("invalid_request", "created[gte] and created[lte] are Unix timestamps in seconds."));
        }
        var status = Single(q, "status");
        if (status is not null && (!allowStatus || !PaymentStatus.All.Contains(status)))
        {
            return (null, Problems.BadRequest("invalid_request", $"status is one of: {string.Join(", ", PaymentStatus.All)}."));
        }
        var payment = Single(q, "payment");
        if (payment is not null && (!allowPayment || !IsObjectId(payment)))
        {
            return (null, Problems.BadRequest("invalid_request", "payment is not a filter of this list."));
        }
        return (new ListQuery(limit, startingAfter, endingBefore, gte, lte) { Status = status, PaymentId = payment }, null);
    }

    /// <summary>An object id: a short lowercase prefix, an underscore, then letters and digits.</summary>
    public static bool IsObjectId(string value) => ObjectIdPattern().IsMatch(value);

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z]{2,5}_[A-Za-z0-9]{1,64}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ObjectIdPattern();

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? value)
    {
        value = null;
        if (Single(query, name) is not { } text)
        {
            return true;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
        {
            return false;
        }
        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
