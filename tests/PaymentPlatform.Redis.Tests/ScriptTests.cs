using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class ScriptTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : ScriptTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : ScriptTests(server, RedisProtocol.Resp3);

    private static readonly LuaScript s_takeIfAvailable = new("""
        local left = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
        if left <= 0 then return 0 end
        redis.call('SET', KEYS[1], left - 1)
        return 1
        """);

    [Fact]
    public void AScriptsDigestIsTheSha1OfItsSource()
    {
        Assert.Equal("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", new LuaScript("return 1").Sha1);
    }

    [Fact]
    public async Task EvaluateSourceRunsTheScriptWithKeysAndArguments()
    {
        await using RedisClient client = await ConnectAsync();

        RedisResult result = await client.EvaluateAsync("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2}", [Key("k")], ["a", 21]);

        Assert.Equal(Key("k"), (string?)result[0]);
        Assert.Equal("a", (string?)result[1]);
        Assert.Equal(42, (long)result[2]);
    }

    [Fact]
    public async Task ACachedScriptRunsByDigestAfterTheFirstCall()
    {
        await using RedisClient client = await ConnectAsync();
        var script = new LuaScript($"return '{Guid.NewGuid():N}'");
        long evalBefore = await CommandStats.CallsAsync(client, "EVAL");

        await client.EvaluateAsync(script);
        await client.EvaluateAsync(script);
        await client.EvaluateAsync(script);

        // The first EVALSHA got NOSCRIPT and was followed by one EVAL; the rest ran by digest.
        Assert.Equal(evalBefore + 1, await CommandStats.CallsAsync(client, "EVAL"));
    }

    [Fact]
    public async Task AScriptRunsAgainAfterTheServerForgetsIt()
    {
        await using RedisClient client = await ConnectAsync();
        await client.ScriptLoadAsync(s_takeIfAvailable);
        Assert.Equal(1, (long)await client.EvaluateAsync(s_takeIfAvailable, [Key("tokens")], [2]));

        await client.ExecuteAsync("SCRIPT", "FLUSH");
        Assert.Equal(0, (long)(await client.ExecuteAsync("SCRIPT", "EXISTS", s_takeIfAvailable.Sha1))[0]);

        Assert.Equal(1, (long)await client.EvaluateAsync(s_takeIfAvailable, [Key("tokens")], [2]));
        Assert.Equal(0, (long)await client.EvaluateAsync(s_takeIfAvailable, [Key("tokens")], [2]));
        Assert.Equal(1, (long)(await client.ExecuteAsync("SCRIPT", "EXISTS", s_takeIfAvailable.Sha1))[0]);
    }

    [Fact]
    public async Task AnUnknownDigestIsANoScriptError()
    {
        await using RedisClient client = await ConnectAsync();

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(
            () => client.ExecuteAsync("EVALSHA", new string('0', 40), 0));

        Assert.Equal("NOSCRIPT", error.ErrorPrefix);
    }

    [Fact]
    public async Task AFailingScriptThrowsAServerErrorAndTheConnectionCarriesOn()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("text"), "abc");

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(
            () => client.EvaluateAsync(new LuaScript("return redis.call('INCR', KEYS[1])"), [Key("text")]));

        Assert.Contains("not an integer", error.Message, StringComparison.Ordinal);
        Assert.Equal("abc", (string?)await client.GetAsync(Key("text")));
    }

    [Fact]
    public async Task AScriptCanReturnAnErrorInsideATable()
    {
        await using RedisClient client = await ConnectAsync();

        RedisResult result = await client.EvaluateAsync("return {1, redis.error_reply('MYERR inner')}");

        Assert.Equal(1, (long)result[0]);
        Assert.Equal(RedisResultType.Error, result[1].Type);
        Assert.Equal("MYERR inner", result[1].ErrorMessage);
    }
}
