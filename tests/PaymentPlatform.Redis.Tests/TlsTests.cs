using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public sealed class TlsTests(TlsRedisServerFixture server) : IClassFixture<TlsRedisServerFixture>
{
    private readonly string _prefix = Guid.NewGuid().ToString("N");

    private bool TrustTestCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.RemoteCertificateChainErrors
        && certificate is not null
        && string.Equals(certificate.GetCertHashString(), server.Thumbprint, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task AClientConnectsOverTlsWhenItTrustsTheServersCertificate()
    {
        await using RedisClient client = await server.ConnectAsync(configure: options => options.CertificateValidation = TrustTestCertificate);
        var received = new ConcurrentQueue<RedisChannelMessage>();
        await using RedisSubscription subscription = await client.SubscribeAsync($"{_prefix}:ch", received.Enqueue);

        await client.SetAsync($"{_prefix}:k", "over tls");
        await client.PublishAsync($"{_prefix}:ch", "hello");

        Assert.Equal("over tls", (string?)await client.GetAsync($"{_prefix}:k"));
        await Eventually.WaitUntilAsync(() => received.Count == 1, TimeSpan.FromSeconds(5), "a message over the TLS subscriber connection");
    }

    [Fact]
    public async Task AnUntrustedCertificateFailsTheConnectionAndSaysWhy()
    {
        RedisConnectionException error = await Assert.ThrowsAsync<RedisConnectionException>(() => server.ConnectAsync());

        Assert.IsType<AuthenticationException>(error.InnerException);
    }
}
