namespace PaymentPlatform.Risk.Velocity;

/// <summary>
/// The velocity counts of one scoring: attempts and declines, per key (card fingerprint, handle,
/// merchant, IP) and window (1 minute exact, 1 hour and 1 day bucketed), flattened as
/// <c>key * 6 + counter * 3 + window</c>.
/// </summary>
public static class VelocityDimensions
{
    public static readonly IReadOnlyList<string> Keys = ["card_fingerprint", "handle", "merchant", "ip"];
    public static readonly IReadOnlyList<string> Counters = ["attempts", "declines"];
    public static readonly IReadOnlyList<string> Windows = ["1m", "1h", "1d"];

    public const int CountsPerKey = 6;
    public const int Count = 24;

    public static int Index(int key, int counter, int window) => (key * CountsPerKey) + (counter * 3) + window;

    /// <summary><c>card_fingerprint_attempts_1m</c> and the like: model feature names and reason suffixes.</summary>
    public static string Name(int key, int counter, int window) => $"{Keys[key]}_{Counters[counter]}_{Windows[window]}";
}
