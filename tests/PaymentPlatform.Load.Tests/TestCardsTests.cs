using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Tests;

public sealed class TestCardsTests
{
    [Fact]
    public void GeneratedCardsAreDistinctLuhnValidSixteenDigitNumbersOnTheTestBin()
    {
        var cards = TestCards.Generate(10_000, seed: 42);

        Assert.Equal(10_000, cards.Distinct().Count());
        Assert.All(cards, card =>
        {
            Assert.Equal(16, card.Length);
            Assert.StartsWith(TestCards.Bin, card, StringComparison.Ordinal);
            Assert.True(TestCards.IsLuhnValid(card), card);
        });
    }

    [Theory]
    [InlineData("4242424242424242", true)]
    [InlineData("4000000000000002", true)]
    [InlineData("4000000000009995", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("79927398713", true)]
    public void TheLuhnCheckAgreesWithKnownNumbers(string number, bool valid) => Assert.Equal(valid, TestCards.IsLuhnValid(number));

    [Fact]
    public void ThePaymentMixIsRepeatableAndNearItsShares()
    {
        var mix = new PaymentMix(Merchants: 50, Cards: 10_000);
        var plans = Enumerable.Range(0, 20_000).Select(i => mix.For(i)).ToList();

        Assert.Equal(plans[123], mix.For(123));
        Assert.InRange(plans.Count(p => p.Declines) / 20_000.0, 0.07, 0.09);
        Assert.InRange(plans.Count(p => p.ManualCapture) / 20_000.0, 0.58, 0.62);
        Assert.InRange(plans.Count(p => p.Retry) / 20_000.0, 0.04, 0.06);
        Assert.Equal(50, plans.Select(p => p.Merchant).Distinct().Count());
        Assert.True(plans.Select(p => p.Card).Distinct().Count() > 8000);
    }
}
