using System.Text;
using PaymentPlatform.Notify.Delivery;
using PaymentPlatform.Notify.Signing;
using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

/// <summary>Signing and verification as pure functions, against the specification's published vector.</summary>
public class SigningTests
{
    // The Standard Webhooks reference vector (the spec's libraries test against it).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorBody = "{\"test\": 2432232314}";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void TheSignerReproducesTheSpecificationsTestVector()
    {
        var signature = WebhookSigner.Sign(VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody), [WebhookSigner.KeyOf(VectorSecret)]);

        Assert.Equal(VectorSignature, signature);
        Assert.Equal(VectorSignature, StandardWebhooksSpec.Sign(VectorSecret, VectorId, "1614265330", Encoding.UTF8.GetBytes(VectorBody)));
    }

    [Fact]
    public void TwoKeysGiveTwoSpaceSeparatedSignaturesEachVerifiableAlone()
    {
        var current = WebhookSigner.NewSecret();
        var previous = WebhookSigner.NewSecret();
        var body = "{\"a\":1}"u8.ToArray();
        var now = DateTimeOffset.UtcNow;
        var timestamp = now.ToUnixTimeSeconds();

        var header = WebhookSigner.Sign("evt_1", timestamp, body, [WebhookSigner.KeyOf(current), WebhookSigner.KeyOf(previous)]);

        Assert.Equal(2, header.Split(' ').Length);
        Assert.True(StandardWebhooksSpec.Verify(current, "evt_1", timestamp.ToString(), header, body, now));
        Assert.True(StandardWebhooksSpec.Verify(previous, "evt_1", timestamp.ToString(), header, body, now));
        Assert.False(StandardWebhooksSpec.Verify(WebhookSigner.NewSecret(), "evt_1", timestamp.ToString(), header, body, now));
    }

    [Fact]
    public void NewSecretsAreWhsecAndBase64OfBetween24And64RandomBytes()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => WebhookSigner.NewSecret()).ToList();

        Assert.All(secrets, s =>
        {
            Assert.StartsWith("whsec_", s, StringComparison.Ordinal);
            Assert.InRange(Convert.FromBase64String(s["whsec_".Length..]).Length, 24, 64);
        });
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void TheMerchantHelperAcceptsTheVectorWithinTheToleranceAndRejectsTamperingAndOldTimestamps()
    {
        var body = Encoding.UTF8.GetBytes(VectorBody);
        var sent = DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp);

        Assert.True(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", VectorSignature, body, sent.AddMinutes(4), out var error), error);
        Assert.True(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", "v1,bm9wZQ== " + VectorSignature, body, sent, out _));
        Assert.False(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", VectorSignature, body, sent.AddMinutes(6), out error));
        Assert.Contains("tolerance", error, StringComparison.Ordinal);
        Assert.False(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", VectorSignature, body, sent.AddMinutes(-6), out _));
        Assert.False(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", VectorSignature, "{\"test\": 2432232315}"u8, sent, out _));
        Assert.False(WebhookVerifier.Verify(VectorSecret, "msg_other", "1614265330", VectorSignature, body, sent, out _));
        Assert.False(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265331", VectorSignature, body, sent, out _));
        Assert.False(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", "v2," + VectorSignature[3..], body, sent, out _));
        Assert.False(WebhookVerifier.Verify(VectorSecret, VectorId, "1614265330", null, body, sent, out _));
    }
}
