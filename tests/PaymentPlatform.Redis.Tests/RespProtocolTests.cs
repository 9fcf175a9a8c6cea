using System.Buffers;
using System.Text;
using PaymentPlatform.Redis.Protocol;

namespace PaymentPlatform.Redis.Tests;

public sealed class RespProtocolTests
{
    [Theory]
    [InlineData("+OK\r\n", RedisResultType.SimpleString, "OK")]
    [InlineData("-ERR unknown command\r\n", RedisResultType.Error, "ERR unknown command")]
    [InlineData(":-12\r\n", RedisResultType.Integer, "-12")]
    [InlineData("$5\r\nhe\r\no\r\n", RedisResultType.BulkString, "he\r\no")]
    [InlineData("$0\r\n\r\n", RedisResultType.BulkString, "")]
    [InlineData("$-1\r\n", RedisResultType.Null, "")]
    [InlineData("*-1\r\n", RedisResultType.Null, "")]
    [InlineData("_\r\n", RedisResultType.Null, "")]
    [InlineData(",3.25\r\n", RedisResultType.Double, "3.25")]
    [InlineData(",-inf\r\n", RedisResultType.Double, "-inf")]
    [InlineData(",nan\r\n", RedisResultType.Double, "NaN")]
    [InlineData("#t\r\n", RedisResultType.Boolean, "1")]
    [InlineData("#f\r\n", RedisResultType.Boolean, "0")]
    [InlineData("(3492890328409238509324850943850943825024385\r\n", RedisResultType.BigNumber, "3492890328409238509324850943850943825024385")]
    [InlineData("=15\r\ntxt:Some string\r\n", RedisResultType.VerbatimString, "Some string")]
    [InlineData("!21\r\nSYNTAX invalid syntax\r\n", RedisResultType.Error, "SYNTAX invalid syntax")]
    public void SingleValueRepliesOfBothProtocolsParse(string wire, RedisResultType type, string value)
    {
        RedisResult result = ParseOne(wire);

        Assert.Equal(type, result.Type);
        Assert.Equal(value, type == RedisResultType.Error ? result.ErrorMessage : result.Value.ToString());
    }

    [Fact]
    public void NestedArraysParse()
    {
        RedisResult result = ParseOne("*3\r\n:1\r\n*2\r\n+a\r\n$-1\r\n$1\r\nz\r\n");

        Assert.Equal(RedisResultType.Array, result.Type);
        Assert.Equal(1L, (long)result[0]);
        Assert.Equal("a", (string?)result[1][0]);
        Assert.True(result[1][1].IsNull);
        Assert.Equal("z", (string?)result[2]);
    }

    [Fact]
    public void Resp3MapsFlattenToAlternatingKeysAndValues()
    {
        RedisResult result = ParseOne("%2\r\n+first\r\n:1\r\n+second\r\n#t\r\n");

        Assert.Equal(RedisResultType.Map, result.Type);
        Assert.Equal(["first", "1", "second", "1"], result.Elements.Select(e => e.Value.ToString()));
    }

    [Fact]
    public void Resp3SetsAndPushesAreAggregates()
    {
        Assert.Equal(RedisResultType.Set, ParseOne("~2\r\n+a\r\n+b\r\n").Type);
        RedisResult push = ParseOne(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        Assert.Equal(RedisResultType.Push, push.Type);
        Assert.Equal("hi", (string?)push[2]);
    }

    [Fact]
    public void Resp3AttributesAreSkippedInFavourOfTheReplyTheyAnnotate()
    {
        RedisResult result = ParseOne("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n:42\r\n");

        Assert.Equal(42L, (long)result);
    }

    [Fact]
    public void EveryIncompletePrefixOfAReplyAsksForMoreBytes()
    {
        byte[] wire = Encoding.UTF8.GetBytes("*4\r\n$5\r\nhello\r\n:7\r\n%1\r\n+k\r\n,1.5\r\n*1\r\n_\r\n");
        for (int length = 0; length < wire.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(wire, 0, length));

            Assert.False(RespParser.TryRead(ref reader, out _), $"A prefix of {length} bytes should be incomplete.");
        }
    }

    [Fact]
    public void RepliesSplitAcrossBufferSegmentsParse()
    {
        byte[] wire = Encoding.UTF8.GetBytes("*2\r\n$11\r\nhello world\r\n:123456789\r\n");
        ReadOnlySequence<byte> oneBytePerSegment = Segment.Chain(wire.Select(b => new[] { b }));
        var reader = new SequenceReader<byte>(oneBytePerSegment);

        Assert.True(RespParser.TryRead(ref reader, out RedisResult? result));
        Assert.Equal("hello world", (string?)result[0]);
        Assert.Equal(123456789L, (long)result[1]);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void ConsecutiveRepliesParseOneAtATime()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("+OK\r\n:1\r\n$-1\r\n"u8.ToArray()));

        Assert.True(RespParser.TryRead(ref reader, out RedisResult? first));
        Assert.True(RespParser.TryRead(ref reader, out RedisResult? second));
        Assert.True(RespParser.TryRead(ref reader, out RedisResult? third));
        Assert.False(RespParser.TryRead(ref reader, out _));
        Assert.Equal(("OK", 1L, true), ((string?)first, (long)second, third.IsNull));
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData("$-5\r\n")]
    [InlineData("#x\r\n")]
    public void InvalidBytesThrowRedisProtocolException(string wire)
    {
        Assert.Throws<RedisProtocolException>(() => ParseOne(wire));
    }

    [Fact]
    public void CommandsAreWrittenAsArraysOfBulkStrings()
    {
        var buffer = new ArrayBufferWriter<byte>();

        RespWriter.WriteCommand(buffer, "SET", ["k€", 42, 1.5, double.NegativeInfinity, new byte[] { 0, 1 }, RedisValue.Null]);

        Assert.Equal(
            "*7\r\n$3\r\nSET\r\n$4\r\nk€\r\n$2\r\n42\r\n$3\r\n1.5\r\n$4\r\n-inf\r\n$2\r\n\0\u0001\r\n$0\r\n\r\n",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static RedisResult ParseOne(string wire)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)));
        Assert.True(RespParser.TryRead(ref reader, out RedisResult? result), "The reply should be complete.");
        Assert.Equal(0, reader.Remaining);
        return result;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Chain(IEnumerable<byte[]> parts)
        {
            Segment? first = null;
            Segment? last = null;
            foreach (byte[] part in parts)
            {
                var next = new Segment(part, last is null ? 0 : last.RunningIndex + last.Memory.Length);
                if (last is null)
                {
                    first = next;
                }
                else
                {
                    last.Next = next;
                }
                last = next;
            }
            return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
        }
    }
}
