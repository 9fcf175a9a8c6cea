namespace PaymentPlatform.Redis.Tests;

public sealed class RedisValueTests
{
    [Fact]
    public void TheDefaultValueIsNull()
    {
        RedisValue value = default;

        Assert.True(value.IsNull);
        Assert.False(value.HasValue);
        Assert.Null((string?)value);
        Assert.Null((long?)value);
        Assert.Null((byte[]?)value);
        Assert.Equal("", value.ToString());
    }

    [Fact]
    public void ANullStringOrArrayBecomesNull()
    {
        Assert.True(((RedisValue)(string?)null).IsNull);
        Assert.True(((RedisValue)(byte[]?)null).IsNull);
    }

    [Fact]
    public void StringsRoundTripThroughUtf8Bytes()
    {
        RedisValue value = "zürich €";

        Assert.Equal("zürich €", (string?)value);
        Assert.Equal("zürich €"u8.ToArray(), (byte[]?)value);
        Assert.Equal("zürich €", (string?)(RedisValue)"zürich €"u8.ToArray());
    }

    [Fact]
    public void NumbersConvertFromTheirText()
    {
        Assert.Equal(42L, (long)(RedisValue)"42");
        Assert.Equal(-7L, (long)(RedisValue)"-7"u8.ToArray());
        Assert.Equal(1.5, (double)(RedisValue)"1.5");
        Assert.Equal(double.PositiveInfinity, (double)(RedisValue)"inf");
        Assert.Equal(double.NegativeInfinity, (double)(RedisValue)"-inf");
        Assert.Equal(3, (int)(RedisValue)3L);
        Assert.Equal(2.0, (double)(RedisValue)2L);
        Assert.Equal(4L, (long)(RedisValue)4.0);
    }

    [Fact]
    public void NumbersFormatAsRedisExpects()
    {
        Assert.Equal("42", (string?)(RedisValue)42);
        Assert.Equal("0.1", (string?)(RedisValue)0.1);
        Assert.Equal("+inf", (string?)(RedisValue)double.PositiveInfinity);
        Assert.Equal("-inf", (string?)(RedisValue)double.NegativeInfinity);
    }

    [Fact]
    public void ValuesAreEqualWhenTheirBytesAre()
    {
        Assert.Equal((RedisValue)"42", (RedisValue)42);
        Assert.Equal((RedisValue)"abc", (RedisValue)"abc"u8.ToArray());
        Assert.Equal(((RedisValue)"42").GetHashCode(), ((RedisValue)42L).GetHashCode());
        Assert.NotEqual((RedisValue)"", RedisValue.Null);
        Assert.True(RedisValue.Null == default);
        Assert.True((RedisValue)"a" != (RedisValue)"b");
    }

    [Fact]
    public void ConvertingNonNumbersOrNullToNumbersThrowsInvalidCastException()
    {
        Assert.Throws<InvalidCastException>(() => (long)(RedisValue)"abc");
        Assert.Throws<InvalidCastException>(() => (long)(RedisValue)"1.5");
        Assert.Throws<InvalidCastException>(() => (long)RedisValue.Null);
        Assert.Throws<InvalidCastException>(() => (double)(RedisValue)"x");
        Assert.Throws<InvalidCastException>(() => (int)(RedisValue)(long.MaxValue));
    }

    [Fact]
    public void NaNConvertsWithoutThrowingAndFormatsAsNaN()
    {
        RedisValue value = double.NaN;

        Assert.Equal("NaN", (string?)value);
    }
}
