namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>
/// The merchants the load spreads over, created through the admin API with their rate limits
/// raised for the load (production rules otherwise), and the cards they charge.
/// </summary>
public sealed class LoadMerchants
{
    /// <summary>The per-merchant limit the load's merchants get: far above their share of any scenario's rate.</summary>
    public static readonly RateLimit RaisedLimit = new(RequestsPerSecond: 1000, Burst: 2000);

    private readonly IReadOnlyList<Merchant> _merchants;

    private LoadMerchants(IReadOnlyList<Merchant> merchants, IReadOnlyList<string> cards)
    {
        _merchants = merchants;
        Cards = cards;
    }

    public int Count => _merchants.Count;

    public IReadOnlyList<string> Cards { get; }

    public Merchant this[int index] => _merchants[index];

    public string Describe() =>
        $"{Count} merchants created for this run with rate_limit {RaisedLimit.RequestsPerSecond}/s burst {RaisedLimit.Burst} (raised through their configuration for the load), {Cards.Count} distinct Luhn-valid test cards on BIN {TestCards.Bin}";

    public static async Task<LoadMerchants> CreateAsync(GatewayClient gateway, string adminKey, string runId, int count, int cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var merchants = new Merchant[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            merchants[i] = await gateway.CreateMerchantAsync(adminKey, $"load {runId} #{i}", RaisedLimit, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return new LoadMerchants(merchants, TestCards.Generate(cards, seed: runId.GetHashCode(StringComparison.Ordinal)));
    }
}
