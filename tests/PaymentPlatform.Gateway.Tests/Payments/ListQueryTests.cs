using Microsoft.AspNetCore.Http;
using PaymentPlatform.Gateway.Payments;

namespace PaymentPlatform.Gateway.Tests.Payments;

public class ListQueryTests
{
    [Fact]
    public void TheDefaultsAreTenNewestFirstWithoutFilters()
    {
        var (query, problem) = ListQueries.Parse(Request(""));
        Assert.Null(problem);
        Assert.Equal(new ListQuery(10, null, null, null, null), query);
    }

    [Fact]
    public void EveryParameterIsRead()
    {
        var (query, problem) = ListQueries.Parse(Request("?limit=100&starting_after=pay_1&created[gte]=1700000000&created[lte]=1800000000&status=succeeded"), allowStatus: true);
        Assert.Null(problem);
        Assert.Equal(100, query!.Limit);
        Assert.Equal("pay_1", query.StartingAfter);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), query.CreatedGte);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), query.CreatedLte);
        Assert.Equal("succeeded", query.Status);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=-1")]
    [InlineData("?limit=1e2")]
    [InlineData("?starting_after=a&ending_before=b")]
    [InlineData("?created[gte]=soon")]
    [InlineData("?created[lte]=99999999999999999999")]
    [InlineData("?status=lost")]
    [InlineData("?payment=pay_1")]
    public void AnInvalidParameterIsAProblem(string query) =>
        Assert.NotNull(ListQueries.Parse(Request(query), allowStatus: true).Problem);

    private static HttpRequest Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }
}
