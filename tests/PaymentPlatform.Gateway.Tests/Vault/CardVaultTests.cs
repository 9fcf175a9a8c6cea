using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using PaymentPlatform.Gateway.Vault;

namespace PaymentPlatform.Gateway.Tests.Vault;

[Collection(GatewayStoresCollection.Name)]
public sealed partial class CardVaultTests(GatewayStores stores)
{
    private NpgsqlDataSource DataSource => stores.DataSource;

    [Fact]
    public async Task StoreThenRevealReturnsTheNormalisedPan()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);
        var pan = VaultTestSupport.NewPan("4");
        var spaced = string.Join(' ', pan.Chunk(4).Select(c => new string(c)));

        var card = await vault.StoreAsync(spaced, 12, 2030, CancellationToken.None);

        Assert.Matches(TokenPattern(), card.Token);
        Assert.Matches(FingerprintPattern(), card.Fingerprint);
        Assert.Equal(("visa", pan[..6], pan[^4..], 12, 2030), (card.Brand, card.Bin, card.Last4, card.ExpMonth, card.ExpYear));
        Assert.Equal(pan, await vault.RevealPanAsync(card.Token, CancellationToken.None));
    }

    [Fact]
    public async Task TheStoredRowContainsThePanInNoColumn()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out var keyId);
        var pan = VaultTestSupport.NewPan("5", 16);
        var card = await vault.StoreAsync(pan, 3, 2031, CancellationToken.None);

        await using var command = DataSource.CreateCommand("SELECT * FROM card_vault WHERE token = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.Token });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var hidden = pan[6..^4];
        var panBytes = Encoding.ASCII.GetBytes(pan);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.GetValue(i);
            if (value is byte[] bytes)
            {
                Assert.True(bytes.AsSpan().IndexOf(panBytes) < 0, $"{reader.GetName(i)} holds the PAN's bytes");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(hidden)) < 0, $"{reader.GetName(i)} holds the hidden digits");
            }
            else
            {
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                Assert.DoesNotContain(pan, text, StringComparison.Ordinal);
                Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
            }
        }
        Assert.Equal(keyId, reader.GetString(reader.GetOrdinal("key_id")));

        // Also as PostgreSQL renders the whole row (bytea as hex): the digits appear nowhere.
        await using var json = DataSource.CreateCommand("SELECT row_to_json(v)::text FROM card_vault v WHERE token = $1");
        json.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.Token });
        var rendered = (string)(await json.ExecuteScalarAsync())!;
        Assert.DoesNotContain(pan, rendered, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(panBytes), rendered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSamePanStoredTwiceAnswersOneTokenAndOneFingerprint()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);
        var pan = VaultTestSupport.NewPan("4");

        var first = await vault.StoreAsync(pan, 1, 2030, CancellationToken.None);
        var again = await vault.StoreAsync(pan[..4] + "-" + pan[4..], 1, 2030, CancellationToken.None);
        var renewed = await vault.StoreAsync(pan, 2, 2033, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(first.Token, renewed.Token);
        Assert.Equal(first.Fingerprint, renewed.Fingerprint);
        Assert.Equal((2, 2033), await ExpiryAsync(first.Token));
        Assert.Equal(1, await RowsWithFingerprintAsync(first.Fingerprint));
    }

    [Fact]
    public async Task ConcurrentStoresOfOneCardLeaveOneRow()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);
        var pan = VaultTestSupport.NewPan("37", 15);

        var cards = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => vault.StoreAsync(pan, 6, 2029, CancellationToken.None))));

        Assert.Single(cards.Select(c => c.Token).Distinct());
        Assert.Equal("amex", cards[0].Brand);
        Assert.Equal(1, await RowsWithFingerprintAsync(cards[0].Fingerprint));
        Assert.Equal(pan, await vault.RevealPanAsync(cards[0].Token, CancellationToken.None));
    }

    [Fact]
    public async Task TheFingerprintIsKeyed()
    {
        var one = VaultTestSupport.CreateVault(DataSource, out _);
        var other = VaultTestSupport.CreateVault(DataSource, out _);
        var pan = VaultTestSupport.NewPan("4");

        var underOne = await one.StoreAsync(pan, 5, 2030, CancellationToken.None);
        var underOther = await other.StoreAsync(pan, 5, 2030, CancellationToken.None);

        Assert.NotEqual(underOne.Fingerprint, underOther.Fingerprint);
        Assert.NotEqual(underOne.Token, underOther.Token);
        var unkeyed = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(pan)));
        Assert.DoesNotContain(underOne.Fingerprint, unkeyed, StringComparison.Ordinal);
        Assert.Equal(underOne.Fingerprint, (await one.StoreAsync(pan, 5, 2030, CancellationToken.None)).Fingerprint);
    }

    [Fact]
    public async Task AfterRotationOldRowsStillDecryptAndNewRowsUseTheNewKey()
    {
        var (k1, k2) = (VaultTestSupport.NewKeyId(), VaultTestSupport.NewKeyId());
        var keys = new Dictionary<string, string> { [k1] = VaultTestSupport.NewSecret(), [k2] = VaultTestSupport.NewSecret() };
        var before = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [k1] = keys[k1] }, k1);
        var oldPan = VaultTestSupport.NewPan("4");
        var oldCard = await before.StoreAsync(oldPan, 7, 2030, CancellationToken.None);

        var after = VaultTestSupport.CreateVault(DataSource, keys, activeKeyId: k2, fingerprintKeyId: k1);
        var newPan = VaultTestSupport.NewPan("5");
        var newCard = await after.StoreAsync(newPan, 8, 2031, CancellationToken.None);

        Assert.Equal(oldPan, await after.RevealPanAsync(oldCard.Token, CancellationToken.None));
        Assert.Equal(newPan, await after.RevealPanAsync(newCard.Token, CancellationToken.None));
        Assert.Equal(k1, await KeyIdAsync(oldCard.Token));
        Assert.Equal(k2, await KeyIdAsync(newCard.Token));
        // The fingerprint key stayed k1: the old card keeps its fingerprint and its token.
        Assert.Equal(oldCard, await after.StoreAsync(oldPan, 7, 2030, CancellationToken.None));
    }

    [Fact]
    public async Task ReencryptMovesRowsOfOldKeysToTheActiveKey()
    {
        var (k1, k2) = (VaultTestSupport.NewKeyId(), VaultTestSupport.NewKeyId());
        var keys = new Dictionary<string, string> { [k1] = VaultTestSupport.NewSecret(), [k2] = VaultTestSupport.NewSecret() };
        var before = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [k1] = keys[k1] }, k1);
        var pans = Enumerable.Range(0, 5).Select(_ => VaultTestSupport.NewPan("6011")).ToArray();
        var cards = new List<VaultedCard>();
        foreach (var pan in pans)
        {
            cards.Add(await before.StoreAsync(pan, 9, 2032, CancellationToken.None));
        }
        var after = VaultTestSupport.CreateVault(DataSource, keys, activeKeyId: k2, fingerprintKeyId: k1);

        var moved = 0;
        int batch;
        while ((batch = await after.ReencryptAsync(2, CancellationToken.None)) > 0)
        {
            Assert.InRange(batch, 1, 2);
            moved += batch;
        }

        Assert.Equal(pans.Length, moved);
        for (var i = 0; i < pans.Length; i++)
        {
            Assert.Equal(k2, await KeyIdAsync(cards[i].Token));
            Assert.Equal(pans[i], await after.RevealPanAsync(cards[i].Token, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ARowOfAnUnconfiguredKeyFailsLoudly()
    {
        var (k1, k2) = (VaultTestSupport.NewKeyId(), VaultTestSupport.NewKeyId());
        var before = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [k1] = VaultTestSupport.NewSecret() }, k1);
        var card = await before.StoreAsync(VaultTestSupport.NewPan(), 1, 2030, CancellationToken.None);
        var without = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [k2] = VaultTestSupport.NewSecret() }, k2);

        var error = await Assert.ThrowsAnyAsync<CryptographicException>(() => without.RevealPanAsync(card.Token, CancellationToken.None));
        Assert.Contains($"Gateway:Vault:Keys:{k1}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)")]
    [InlineData("tag = set_byte(tag, 15, get_byte(tag, 15) # 128)")]
    [InlineData("nonce = set_byte(nonce, 5, get_byte(nonce, 5) # 4)")]
    public async Task ATamperedRowThrowsInsteadOfAnsweringWrongDigits(string tamper)
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);
        var card = await vault.StoreAsync(VaultTestSupport.NewPan(), 4, 2030, CancellationToken.None);

        await ExecuteAsync($"UPDATE card_vault SET {tamper} WHERE token = $1", card.Token);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => vault.RevealPanAsync(card.Token, CancellationToken.None));
    }

    [Fact]
    public async Task ACiphertextCopiedToAnotherTokenDoesNotDecrypt()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);
        var victim = await vault.StoreAsync(VaultTestSupport.NewPan(), 4, 2030, CancellationToken.None);
        var other = await vault.StoreAsync(VaultTestSupport.NewPan(), 4, 2030, CancellationToken.None);

        // The AAD binds the ciphertext to its token: moving the victim's PAN under another token fails.
        await ExecuteAsync("""
            UPDATE card_vault o SET nonce = v.nonce, ciphertext = v.ciphertext, tag = v.tag
            FROM card_vault v WHERE v.token = $1 AND o.token = $2
            """, victim.Token, other.Token);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => vault.RevealPanAsync(other.Token, CancellationToken.None));
    }

    [Fact]
    public async Task ARowRelabelledWithAnotherKeyIdDoesNotDecrypt()
    {
        var (k1, k2) = (VaultTestSupport.NewKeyId(), VaultTestSupport.NewKeyId());
        var vault = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [k1] = VaultTestSupport.NewSecret(), [k2] = VaultTestSupport.NewSecret() }, k1, k1);
        var card = await vault.StoreAsync(VaultTestSupport.NewPan(), 4, 2030, CancellationToken.None);

        await ExecuteAsync("UPDATE card_vault SET key_id = $2 WHERE token = $1", card.Token, k2);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => vault.RevealPanAsync(card.Token, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnknownTokenRevealsNothing()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);

        Assert.Null(await vault.RevealPanAsync("card_000000000000000000000000", CancellationToken.None));
    }

    [Fact]
    public async Task ANewSecretUnderAKnownKeyIdIsRefused()
    {
        var keyId = VaultTestSupport.NewKeyId();
        var original = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [keyId] = VaultTestSupport.NewSecret() }, keyId);
        var card = await original.StoreAsync(VaultTestSupport.NewPan(), 1, 2030, CancellationToken.None);
        var regenerated = VaultTestSupport.CreateVault(DataSource, new Dictionary<string, string> { [keyId] = VaultTestSupport.NewSecret() }, keyId);

        var onStore = await Assert.ThrowsAnyAsync<CryptographicException>(() => regenerated.StoreAsync(VaultTestSupport.NewPan(), 1, 2030, CancellationToken.None));
        Assert.Contains($"Gateway:Vault:Keys:{keyId}", onStore.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => regenerated.RevealPanAsync(card.Token, CancellationToken.None));
    }

    [Fact]
    public async Task AnInvalidPanIsRefusedWithoutRepeatingIt()
    {
        var vault = VaultTestSupport.CreateVault(DataSource, out _);
        var pan = VaultTestSupport.NewPan();
        var typo = pan[..^1] + (char)('0' + ((pan[^1] - '0' + 1) % 10));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => vault.StoreAsync(typo, 1, 2030, CancellationToken.None));

        Assert.Contains("FailsLuhn", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(typo[6..^4], error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => vault.StoreAsync(pan, 13, 2030, CancellationToken.None));
    }

    private async Task<string> KeyIdAsync(string token)
    {
        await using var command = DataSource.CreateCommand("SELECT key_id FROM card_vault WHERE token = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(int Month, int Year)> ExpiryAsync(string token)
    {
        await using var command = DataSource.CreateCommand("SELECT exp_month, exp_year FROM card_vault WHERE token = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt16(0), reader.GetInt16(1));
    }

    private async Task<long> RowsWithFingerprintAsync(string fingerprint)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM card_vault WHERE fingerprint = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, params string[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [GeneratedRegex("^card_[0-9a-f]{24}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex FingerprintPattern();
}
