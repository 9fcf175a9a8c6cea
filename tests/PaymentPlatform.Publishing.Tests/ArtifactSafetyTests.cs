using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>What holds for every target: no secret value anywhere, the same bytes every time, nothing started.</summary>
[Collection(PublishedPlatformCollection.Name)]
public sealed class ArtifactSafetyTests(PublishedPlatform platform)
{
    private static readonly string[] AllPublishers = [PublishedPlatform.Manifest, PublishedPlatform.Kubernetes, PublishedPlatform.ContainerApps];

    public static TheoryData<string> Publishers => new(AllPublishers);

    [Theory]
    [MemberData(nameof(Publishers))]
    public void NoSecretValueAppearsInAnyArtifact(string publisher)
    {
        // Every secret parameter had a value configured (Parameters__NAME) while publishing.
        Assert.NotEmpty(platform.SecretCanaries);
        var files = Tools.ReadTree(platform.OutputPath(publisher));

        Assert.NotEmpty(files);
        foreach (var (path, content) in files)
        {
            foreach (var (secret, value) in platform.SecretCanaries)
            {
                Assert.False(content.Contains(value, StringComparison.Ordinal), $"{publisher}: {path} holds the value of secret '{secret}'.");
                // Kubernetes Secrets and Bicep carry values base64-encoded: look for every alignment of it too.
                foreach (var encoded in Base64Cores(value))
                {
                    Assert.False(content.Contains(encoded, StringComparison.Ordinal), $"{publisher}: {path} holds the value of secret '{secret}', base64-encoded.");
                }
            }
        }
    }

    [Fact]
    public void EverySecretOfThePlatformIsASecretParameterAndSoSearchedFor()
    {
        // Issue 16: the internal token, the admin key, the vault key and the PostgreSQL and Redis passwords among them.
        // A value published as a plain parameter would escape the search above.
        string[] expected = ["internal-token", "notify-secrets-key", "gateway-admin-key", "gateway-hmac-key", "vault-key", "postgres-password",
            "paymentsdb-password", "ledgerdb-password", "notifydb-password", "riskdb-password", "cache-password"];

        Assert.Empty(expected.Except(platform.SecretCanaries.Keys));
    }

    [Fact]
    public void TheBase64SearchFindsAValueAtEveryAlignment()
    {
        const string value = "CANARY0123456789abcdef0123456789abcdef";
        foreach (var prefix in new[] { "", "a", "ab", "apiVersion: v1\ndata:\n  token: " })
        {
            var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(prefix + value + "\n"));
            Assert.Contains(Base64Cores(value), core => encoded.Contains(core, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// What any base64 text holding <paramref name="value"/> contains, whatever bytes come before it: for each of
    /// the three alignments, the encoding with the characters that depend on the neighbouring bytes cut off.
    /// </summary>
    private static IEnumerable<string> Base64Cores(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        for (var shift = 0; shift < 3; shift++)
        {
            var padded = new byte[shift + bytes.Length];
            bytes.CopyTo(padded, shift);
            var encoded = Convert.ToBase64String(padded);
            var start = shift == 0 ? 0 : 4;
            var end = (padded.Length / 3) * 4;   // the last whole group depends only on the value
            yield return encoded[start..end];
        }
    }

    [Theory]
    [MemberData(nameof(Publishers))]
    public void PublishingTwiceGivesByteIdenticalArtifacts(string publisher)
    {
        var first = Bytes(platform.FirstRunPath(publisher));
        var second = Bytes(platform.OutputPath(publisher));

        Assert.NotEmpty(first);
        Assert.Equal(first.Keys, second.Keys);
        foreach (var (path, content) in first)
        {
            Assert.True(content.AsSpan().SequenceEqual(second[path]), $"{publisher}: {path} differs between two runs.");
        }
    }

    [Fact]
    public void PublishingNeverReachesRunModeNorKeepsASecret()
    {
        // Every publish ran with a data directory run mode cannot create (a folder under a file).
        Assert.True(File.Exists(Path.GetDirectoryName(platform.DataDirectory)));
        Assert.False(Directory.Exists(platform.DataDirectory));
        Assert.True(platform.LongestPublish < TimeSpan.FromSeconds(30), $"The slowest publish took {platform.LongestPublish}.");
    }

    [Fact]
    public async Task RunModeCannotStartWithTheDataDirectoryPublishingIgnored()
    {
        // The control for the test above: the same settings without --publisher fail at once.
        var result = await platform.RunAppHostAsync();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("cannot use its data directory", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ArtifactsUseUnixLineEndsAndNoByteOrderMark()
    {
        foreach (var publisher in AllPublishers)
        {
            var root = platform.OutputPath(publisher);
            var files = File.Exists(root) ? [root] : Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories);
            foreach (var file in files)
            {
                var bytes = File.ReadAllBytes(file);
                Assert.False(bytes.AsSpan().IndexOf("\r"u8) >= 0, $"{file} has a carriage return.");
                Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), $"{file} starts with a byte-order mark.");
                Assert.True(bytes[^1] == (byte)'\n', $"{file} does not end with a line break.");
            }
        }
    }

    private static SortedDictionary<string, byte[]> Bytes(string root)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (File.Exists(root))
        {
            files[Path.GetFileName(root)] = File.ReadAllBytes(root);
            return files;
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        }
        return files;
    }
}
