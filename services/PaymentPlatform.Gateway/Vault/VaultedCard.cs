namespace PaymentPlatform.Gateway.Vault;

/// <summary>
/// A stored card as the rest of the platform sees it: never the PAN. <see cref="Fingerprint"/> is
/// the keyed hash risk uses (<c>card_fingerprint</c>); <see cref="Bin"/> and <see cref="Last4"/>
/// are what risk and the API may show.
/// </summary>
public sealed record VaultedCard(string Token, string Brand, string Bin, string Last4, int ExpMonth, int ExpYear, string Fingerprint);
