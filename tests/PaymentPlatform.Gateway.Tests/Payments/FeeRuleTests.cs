using PaymentPlatform.Gateway.Payments;

namespace PaymentPlatform.Gateway.Tests.Payments;

public class FeeRuleTests
{
    [Theory]
    [InlineData(1, 1)]              // the 30 fixed would exceed the amount: capped at the amount
    [InlineData(50, 31)]            // 1.45 rounds down
    [InlineData(500, 45)]           // 14.5 rounds half-up to 15 (banker's rounding would give 14)
    [InlineData(1000, 59)]
    [InlineData(1035, 60)]          // 30.015 rounds down
    [InlineData(100_000, 2_930)]
    [InlineData(99_999_999, 2_900_030)]
    public void TheDefaultIsTwoPointNinePercentPlusThirtyHalfUpAndNeverMoreThanTheAmount(long captured, long fee) =>
        Assert.Equal(fee, FeeRule.Default.FeeFor(captured));

    [Fact]
    public void AMerchantsRuleAppliesItsOwnRateAndFixedPart()
    {
        var rule = new FeeRule(BasisPoints: 150, FixedMinorUnits: 0);
        Assert.Equal(15, rule.FeeFor(1000));
        Assert.Equal(0, new FeeRule(0, 0).FeeFor(1000));
        Assert.Equal(1000, new FeeRule(10_000, 500).FeeFor(1000));
    }

    [Fact]
    public void ANegativeAmountIsAProgrammingError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FeeRule.Default.FeeFor(-1));
}
