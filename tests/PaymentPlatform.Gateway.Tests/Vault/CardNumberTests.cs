using PaymentPlatform.Gateway.Vault;

namespace PaymentPlatform.Gateway.Tests.Vault;

public sealed class CardNumberTests
{
    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("4000000000000002")]
    [InlineData("4000000000009995")]
    [InlineData("4000000000009235")]
    [InlineData("4000000000004954")]
    [InlineData("4000000000000119")]
    [InlineData("5555555555554444")]
    [InlineData("378282246310005")]
    [InlineData("6011111111111117")]
    [InlineData("4222222222222")]
    public void TestCardsAreValid(string pan)
    {
        Assert.Equal(CardNumberError.None, CardNumber.Validate(pan, out var normalized));
        Assert.Equal(pan, normalized);
    }

    [Theory]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("4242-4242-4242-4242")]
    [InlineData(" 4242 4242-4242 4242 ")]
    public void SpacesAndDashesAreStripped(string input)
    {
        Assert.Equal(CardNumberError.None, CardNumber.Validate(input, out var normalized));
        Assert.Equal("4242424242424242", normalized);
    }

    [Theory]
    [InlineData("4242424242424241")]
    [InlineData("4242424242424243")]
    [InlineData("1234567812345678")]
    [InlineData("4242424242424224")]
    public void ATypoFailsTheLuhnCheck(string pan)
    {
        Assert.Equal(CardNumberError.FailsLuhn, CardNumber.Validate(pan, out var normalized));
        Assert.Equal(string.Empty, normalized);
    }

    [Theory]
    [InlineData("4242424x42424242", CardNumberError.InvalidCharacters)]
    [InlineData("4242.4242.4242.4242", CardNumberError.InvalidCharacters)]
    [InlineData("４２４２４２４２４２４２４２４２", CardNumberError.InvalidCharacters)]
    [InlineData("", CardNumberError.Empty)]
    [InlineData("   ", CardNumberError.Empty)]
    [InlineData(null, CardNumberError.Empty)]
    [InlineData("- -", CardNumberError.Empty)]
    [InlineData("4242424", CardNumberError.InvalidLength)]
    [InlineData("42424242424242424242", CardNumberError.InvalidLength)]
    public void MalformedNumbersAreRefusedWithTheirReason(string? input, CardNumberError expected)
    {
        Assert.Equal(expected, CardNumber.Validate(input, out _));
        Assert.False(CardNumber.IsValid(input));
    }

    [Fact]
    public void LengthsFrom8To19DigitsAreAccepted()
    {
        for (var length = 8; length <= 19; length++)
        {
            var pan = VaultTestSupport.NewPan("4", length);
            Assert.True(CardNumber.IsValid(pan), $"length {length}");
        }
    }

    [Theory]
    [InlineData("4242424242424242", "visa")]
    [InlineData("5555555555554444", "mastercard")]
    [InlineData("5105105105105100", "mastercard")]
    [InlineData("2223003122003222", "mastercard")]
    [InlineData("2720999999999996", "mastercard")]
    [InlineData("378282246310005", "amex")]
    [InlineData("371449635398431", "amex")]
    [InlineData("6011111111111117", "discover")]
    [InlineData("6500000000000002", "discover")]
    [InlineData("6445644564456445", "discover")]
    [InlineData("6221260000000000", "discover")]
    [InlineData("3056930009020004", "unknown")]
    [InlineData("2721000000000003", "unknown")]
    [InlineData("5610591081018250", "unknown")]
    public void BrandComesFromTheLeadingDigits(string pan, string brand)
    {
        Assert.Equal(brand, CardNumber.Brand(pan));
    }

    [Fact]
    public void BinIsTheFirstSixAndLast4TheLastFourDigits()
    {
        Assert.Equal("424242", CardNumber.Bin("4242424242424242"));
        Assert.Equal("4242", CardNumber.Last4("4242424242424242"));
        Assert.Equal("378282", CardNumber.Bin("378282246310005"));
        Assert.Equal("0005", CardNumber.Last4("378282246310005"));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(19)]
    public void BinAndLast4AlwaysLeaveAtLeastFourDigitsHidden(int length)
    {
        var pan = VaultTestSupport.NewPan("4", length);
        var shown = CardNumber.Bin(pan).Length + CardNumber.Last4(pan).Length;
        Assert.True(length - shown >= 4, $"{length - shown} hidden");
        Assert.StartsWith(CardNumber.Bin(pan), pan, StringComparison.Ordinal);
    }
}
