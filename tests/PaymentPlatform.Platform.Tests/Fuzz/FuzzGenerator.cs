using System.Globalization;
using System.Numerics;
using System.Text;
using static PaymentPlatform.Platform.Tests.Fuzz.FuzzCategories;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>What the cases point at: the keys to send and the objects that exist.</summary>
internal sealed record FuzzTargets(
    string MerchantKey,
    string RollMerchantKey,
    string AdminKey,
    string RevokedKey,
    string ExpiredKey,
    IReadOnlyList<string> CapturablePayments,
    IReadOnlyList<string> CapturedPayments,
    IReadOnlyList<string> Refunds)
{
    /// <summary>Targets for naming the routes only (no case can be made from them).</summary>
    public static FuzzTargets None { get; } = new("", "", "", "", "", [], [], []);

    /// <summary>Manual-capture payments of their own for the cancel cases: the capture cases, run first, take the others.</summary>
    public IReadOnlyList<string> CancelablePayments { get; init; } = [];

    /// <summary>The key of the merchant whose webhook endpoints the cases create, read, roll and delete: it makes no payments, so notify never delivers to them.</summary>
    public string WebhookMerchantKey { get; init; } = "";

    /// <summary>The key of the merchant that revokes its own other keys (<see cref="OwnKeys"/>), never the one it sends.</summary>
    public string KeyOwnerKey { get; init; } = "";

    public IReadOnlyList<string> OwnKeys { get; init; } = [];

    /// <summary>Merchants the admin reads.</summary>
    public IReadOnlyList<string> Merchants { get; init; } = [];

    /// <summary>The merchant whose fee rule and rate limit the admin cases change (it sends no requests itself).</summary>
    public string SettingsMerchant { get; init; } = "";

    /// <summary>The merchant the admin cases add keys to and revoke <see cref="KeyMerchantKeys"/> of.</summary>
    public string KeyMerchant { get; init; } = "";

    public IReadOnlyList<string> KeyMerchantKeys { get; init; } = [];

    /// <summary>Events of the fuzz merchant (which has no webhook endpoint, so a retry delivers nothing).</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>Endpoints of the webhook merchant that stay (read and rolled); <see cref="DeletableEndpoints"/> are there to be deleted.</summary>
    public IReadOnlyList<string> WebhookEndpoints { get; init; } = [];

    public IReadOnlyList<string> DeletableEndpoints { get; init; } = [];

    /// <summary>Where created endpoints point: a closed local port (Development accepts loopback), so nothing is ever delivered.</summary>
    public string WebhookUrl { get; init; } = "http://127.0.0.1:9/fuzz";
}

internal enum Credential
{
    Merchant,
    RollMerchant,
    Admin,
    WebhookMerchant,
    KeyOwner,
}

internal enum FieldKind
{
    Integer,
    String,
    Object,
    Dictionary,
    StringArray,
}

/// <summary>A JSON body's shape: enough for the generator to know which of its mutations leave it valid.</summary>
internal sealed record BodySpec(
    Func<Random, JObj> Valid,
    string[] Required,
    string[] Optional,
    (string Path, FieldKind Kind)[] Fields,
    (string Path, long Min, long Max)[] Numbers,
    (string Path, Func<string, bool> Accepts)[] Strings,
    bool AllowEmpty = false,
    string? Currency = null);

/// <summary>Where a route's path holds an object id: the text before it, the id's type prefix, the text after it.</summary>
internal sealed record IdSlot(string Before, string Type, string After = "");

/// <summary>One route of the public API, and how its cases are made.</summary>
internal sealed record FuzzEndpoint(string Name, HttpMethod Method, Credential Credential, bool Idempotent, BodySpec? Body, string[] Categories)
{
    /// <summary>The path of a case whose target is valid (a payment of the merchant), and whether it is.</summary>
    public Func<Random, FuzzTargets, (string Path, bool Known)> Path { get; init; } = (_, _) => ("/", true);

    /// <summary>For a route on one object without a body: where the id goes, so cases can put a wrong one there.</summary>
    public Func<FuzzTargets, IdSlot>? Item { get; init; }

    /// <summary>For a list: its filter parameter beyond Stripe's list parameters (status, payment, type).</summary>
    public string? ListFilter { get; init; }

    /// <summary>The route's method and path template as the OpenAPI document names them ("post /v1/payments/{id}/capture").</summary>
    public string Operation => $"{Method.Method.ToLowerInvariant()} {Template}";

    public string Template => Name[(Name.IndexOf(' ', StringComparison.Ordinal) + 1)..];
}

/// <summary>
/// Makes the cases: case <c>i</c> of endpoint <c>e</c> depends only on (seed, e, i), so a failure
/// replays exactly with <c>FUZZ_SEED</c>, however the cases interleave on the wire.
/// </summary>
internal sealed class FuzzGenerator(int seed, FuzzTargets targets)
{
    private static readonly string[] ValidCurrencies = ["usd", "eur", "gbp", "jpy", "kwd", "USD", "Eur", "inr", "chf"];

    // Definitely not in the gateway's list: wrong length, not letters, or three letters no ISO 4217 code uses.
    private static readonly string[] InvalidCurrencies =
    [
        "", " ", "us", "usdd", "u", "xxx", "xts", "xau", "zzz", "qqq", "abc", "US D", " usd", "usd ", "usd\u0000", "\u0000usd",
        "u$d", "123", "ＵＳＤ", "ｕｓｄ", "uſd", "usd\u200b", "\u202eusd", "dsu\u202e", "u\u0301sd", "💵", "usd💵", "€", "eur€",
        "EURO", "dollar", "usd,eur", "[usd]", "null", "undefined", "%75sd", "us\u0064\u0307",
    ];

    private static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    private static readonly string[] RefundReasons = ["duplicate", "fraudulent", "requested_by_customer"];

    private static readonly string[] EventTypes = ["payment.authorized", "payment.captured", "payment.canceled", "payment.declined", "payment.review", "refund.succeeded"];

    private static readonly string[] Statuses = ["processing", "requires_capture", "declined", "succeeded", "partially_refunded", "refunded", "canceled"];

    public static readonly string[] AllCategories =
        [Valid, MalformedJson, WrongTypes, MissingFields, ExtraFields, Numbers, Currencies, Unicode, OversizedBody, OversizedHeaders, IdempotencyKeys, ApiKeys];

    private static readonly string[] GetCategories =
        [Valid, MalformedJson, WrongTypes, MissingFields, ExtraFields, Numbers, Unicode, OversizedBody, OversizedHeaders, IdempotencyKeys, ApiKeys];

    private static readonly string[] PlainGetCategories =
        [Valid, MalformedJson, ExtraFields, Unicode, OversizedBody, OversizedHeaders, IdempotencyKeys, ApiKeys];

    public int Seed { get; } = seed;

    /// <summary>Every route of the public API, in the order the suite runs them.</summary>
    public FuzzEndpoint[] Endpoints { get; } = BuildEndpoints(targets);

    // The routes that write nothing come first, so the suite can count every table around them while nothing else writes.
    private static FuzzEndpoint[] BuildEndpoints(FuzzTargets targets) =>
    [
        new("GET /v1/payments", HttpMethod.Get, Credential.Merchant, false, null, GetCategories) { Path = (_, _) => ("/v1/payments", true), ListFilter = "status" },
        new("GET /v1/payments/{id}", HttpMethod.Get, Credential.Merchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/payments/", Pick(r, [.. t.CapturablePayments, .. t.CancelablePayments, .. t.CapturedPayments]), "pay"),
            Item = _ => new("/v1/payments/", "pay"),
        },
        new("GET /v1/refunds", HttpMethod.Get, Credential.Merchant, false, null, GetCategories) { Path = (_, _) => ("/v1/refunds", true), ListFilter = "payment" },
        new("GET /v1/refunds/{id}", HttpMethod.Get, Credential.Merchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/refunds/", Pick(r, t.Refunds), "re"),
            Item = _ => new("/v1/refunds/", "re"),
        },
        new("GET /v1/balance", HttpMethod.Get, Credential.Merchant, false, null, PlainGetCategories) { Path = (_, _) => ("/v1/balance", true) },
        new("GET /v1/api_keys", HttpMethod.Get, Credential.Merchant, false, null, PlainGetCategories) { Path = (_, _) => ("/v1/api_keys", true) },
        new("GET /v1/merchants/{id}", HttpMethod.Get, Credential.Admin, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/merchants/", Pick(r, t.Merchants), "mer"),
            Item = _ => new("/v1/merchants/", "mer"),
        },
        new("GET /v1/events", HttpMethod.Get, Credential.Merchant, false, null, GetCategories) { Path = (_, _) => ("/v1/events", true), ListFilter = "type" },
        new("GET /v1/events/{id}", HttpMethod.Get, Credential.Merchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/events/", Pick(r, t.Events), "evt"),
            Item = _ => new("/v1/events/", "evt"),
        },
        new("GET /v1/events/{id}/deliveries", HttpMethod.Get, Credential.Merchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/events/", Pick(r, t.Events), "evt", "/deliveries"),
            Item = _ => new("/v1/events/", "evt", "/deliveries"),
        },
        new("POST /v1/events/{id}/retry", HttpMethod.Post, Credential.Merchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/events/", Pick(r, t.Events), "evt", "/retry"),
            Item = _ => new("/v1/events/", "evt", "/retry"),
        },
        new("POST /v1/payment_handles/validate", HttpMethod.Post, Credential.Merchant, false, HandleBody(), WithoutCurrencies) { Path = (_, _) => ("/v1/payment_handles/validate", true) },
        new("GET /v1/webhook_endpoints", HttpMethod.Get, Credential.WebhookMerchant, false, null, PlainGetCategories) { Path = (_, _) => ("/v1/webhook_endpoints", true) },
        new("GET /v1/webhook_endpoints/{id}", HttpMethod.Get, Credential.WebhookMerchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/webhook_endpoints/", Pick(r, t.WebhookEndpoints), "we"),
            Item = _ => new("/v1/webhook_endpoints/", "we"),
        },
        new("POST /v1/payments", HttpMethod.Post, Credential.Merchant, Idempotent: true, PaymentBody(), AllCategories) { Path = (_, _) => ("/v1/payments", true) },
        new("POST /v1/payments/{id}/capture", HttpMethod.Post, Credential.Merchant, true, CaptureBody(), WithoutCurrencies) { Path = (r, t) => KnownOrNot(r, "/v1/payments/", Pick(r, t.CapturablePayments), "pay", "/capture") },
        new("POST /v1/payments/{id}/cancel", HttpMethod.Post, Credential.Merchant, true, CancelBody(), WithoutCurrencies) { Path = (r, t) => KnownOrNot(r, "/v1/payments/", Pick(r, t.CancelablePayments), "pay", "/cancel") },
        new("POST /v1/refunds", HttpMethod.Post, Credential.Merchant, true, RefundBody(targets), WithoutCurrencies) { Path = (_, _) => ("/v1/refunds", true) },
        new("POST /v1/api_keys/roll", HttpMethod.Post, Credential.RollMerchant, false, RollBody(), WithoutCurrencies) { Path = (_, _) => ("/v1/api_keys/roll", true) },
        new("POST /v1/api_keys/{keyId}/revoke", HttpMethod.Post, Credential.KeyOwner, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/api_keys/", Pick(r, t.OwnKeys), "key", "/revoke"),
            Item = _ => new("/v1/api_keys/", "key", "/revoke"),
        },
        new("POST /v1/merchants", HttpMethod.Post, Credential.Admin, false, MerchantBody(), WithoutCurrencies) { Path = (_, _) => ("/v1/merchants", true) },
        new("POST /v1/merchants/{id}", HttpMethod.Post, Credential.Admin, false, UpdateMerchantBody(), WithoutCurrencies)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/merchants/", t.SettingsMerchant, "mer"),
        },
        new("POST /v1/merchants/{id}/api_keys", HttpMethod.Post, Credential.Admin, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/merchants/", t.KeyMerchant, "mer", "/api_keys"),
            Item = _ => new("/v1/merchants/", "mer", "/api_keys"),
        },
        new("POST /v1/merchants/{id}/api_keys/{keyId}/revoke", HttpMethod.Post, Credential.Admin, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, $"/v1/merchants/{t.KeyMerchant}/api_keys/", Pick(r, t.KeyMerchantKeys), "key", "/revoke"),
            Item = t => new($"/v1/merchants/{t.KeyMerchant}/api_keys/", "key", "/revoke"),
        },
        new("POST /v1/webhook_endpoints/{id}/roll_secret", HttpMethod.Post, Credential.WebhookMerchant, false, RollSecretBody(), WithoutCurrencies)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/webhook_endpoints/", Pick(r, t.WebhookEndpoints), "we", "/roll_secret"),
        },
        new("DELETE /v1/webhook_endpoints/{id}", HttpMethod.Delete, Credential.WebhookMerchant, false, null, GetCategories)
        {
            Path = (r, t) => KnownOrNot(r, "/v1/webhook_endpoints/", Pick(r, t.DeletableEndpoints), "we"),
            Item = _ => new("/v1/webhook_endpoints/", "we"),
        },
        // Last: every endpoint it creates makes the webhook merchant's list (read whole by the routes above) longer.
        new("POST /v1/webhook_endpoints", HttpMethod.Post, Credential.WebhookMerchant, false, WebhookEndpointBody(targets), WithoutCurrencies) { Path = (_, _) => ("/v1/webhook_endpoints", true) },
    ];

    /// <summary>The routes that must write nothing at all (reads, validations, and a retry on a merchant without endpoints), run first.</summary>
    public static bool WritesNothing(FuzzEndpoint endpoint) =>
        endpoint.Method == HttpMethod.Get || endpoint.Name is "POST /v1/events/{id}/retry" or "POST /v1/payment_handles/validate";

    private static string[] WithoutCurrencies => [.. AllCategories.Where(c => c != Currencies)];

    public FuzzCase Case(int endpoint, int index)
    {
        var r = new Random(unchecked((Seed * 1_000_003) + (endpoint * 7_919) + index));
        var e = Endpoints[endpoint];
        var category = e.Categories[r.Next(e.Categories.Length)];
        return e.Body is null ? GetCase(e, category, index, r) : BodyCase(e, category, index, r);
    }

    // ---- POST routes with a JSON body ----

    private FuzzCase BodyCase(FuzzEndpoint e, string category, int index, Random r)
    {
        var spec = e.Body!;
        var (path, known) = e.Path(r, targets);
        var body = spec.Valid(r);
        var expect = known ? Expectation.MayAccept : Expectation.Reject;
        var note = known ? "valid body" : "valid body, unknown object";
        byte[]? raw = null;
        string? key = e.Idempotent && r.Next(3) > 0 ? NewKey(r) : null;
        var auth = Bearer(e.Credential);
        var fuzz = new FuzzCase(e.Name, category, index, e.Method, path, null, expect, note);
        switch (category)
        {
            case MalformedJson:
                (raw, note, var accept) = Malformed(r, body, spec.AllowEmpty);
                if (!accept)
                {
                    expect = Expectation.Reject;
                }
                break;
            case WrongTypes:
                {
                    var (field, kind) = spec.Fields[r.Next(spec.Fields.Length)];
                    var wrong = WrongValue(r, kind);
                    SetPath(body, field, wrong);
                    note = $"{field} = {Trim(wrong.Write())}";
                    expect = Expectation.Reject;
                    break;
                }
            case MissingFields:
                if (spec.Required.Length > 0 && r.Next(3) > 0)
                {
                    var field = spec.Required[r.Next(spec.Required.Length)];
                    if (r.Next(4) == 0)
                    {
                        body.Set(field, new JRaw("null"));
                        note = $"{field} is null";
                    }
                    else
                    {
                        body.Remove(field);
                        note = $"without {field}";
                    }
                    expect = Expectation.Reject;
                }
                else if (spec.Optional.Length > 0)
                {
                    var field = spec.Optional[r.Next(spec.Optional.Length)];
                    body.Remove(field);
                    note = $"without optional {field}";
                }
                else
                {
                    raw = [];
                    note = "empty body";
                    expect = spec.AllowEmpty ? expect : Expectation.Reject;
                }
                break;
            case ExtraFields:
                note = ExtraMembers(r, body);
                break;
            case Numbers:
                if (spec.Numbers.Length == 0)
                {
                    var field = spec.Fields[r.Next(spec.Fields.Length)].Path;
                    var huge = HugeNumber(r);
                    SetPath(body, field, new JRaw(huge));
                    note = $"{field} = {Trim(huge)} (a number where a string goes)";
                    expect = Expectation.Reject;
                }
                else
                {
                    var (field, min, max) = spec.Numbers[r.Next(spec.Numbers.Length)];
                    var text = r.Next(3) == 0 ? Edge(r, min, max) : HugeNumber(r);
                    if (e.Credential == Credential.RollMerchant && BigInteger.TryParse(text, CultureInfo.InvariantCulture, out var overlap) && overlap >= 0 && overlap < 600)
                    {
                        // A roll that expires the suite's own key at once would turn every later case into a 401.
                        text = (600 + r.Next(1000)).ToString(CultureInfo.InvariantCulture);
                    }
                    SetPath(body, field, new JRaw(text));
                    note = $"{field} = {Trim(text)}";
                    var inRange = IsInteger(text, out var value) && value >= min && value <= max;
                    expect = inRange ? expect : Expectation.Reject;
                }
                break;
            case Currencies:
                {
                    var currency = r.Next(4) == 0 ? RandomJunk(r, r.Next(1, 8)) : InvalidCurrencies[r.Next(InvalidCurrencies.Length)];
                    if (currency.ToLowerInvariant() is { Length: 3 } lower && lower.All(char.IsAsciiLetter))
                    {
                        currency = "q" + currency; // four letters: never a code
                    }
                    body.Set(spec.Currency!, new JStr(currency));
                    note = $"currency = {Trim(new JStr(currency).Write())}";
                    expect = Expectation.Reject;
                    break;
                }
            case Unicode:
                if (spec.Strings.Length == 0 || r.Next(5) == 0)
                {
                    var odd = Oddity(r);
                    body.Add(odd, new JStr(Oddity(r)));
                    note = $"an extra member named {Trim(new JStr(odd).Write())}";
                }
                else
                {
                    var (field, accepts) = spec.Strings[r.Next(spec.Strings.Length)];
                    var current = (body.Get(field) as JStr)?.Value ?? "";
                    var value = r.Next(3) switch
                    {
                        0 => Oddity(r),
                        1 => current + Oddity(r),
                        _ => LongOddity(r),
                    };
                    if (field == "metadata.*")
                    {
                        body.Set("metadata", new JObj().Add(value, new JStr("v")));
                    }
                    else if (field.EndsWith("[]", StringComparison.Ordinal))
                    {
                        body.Set(field[..^2], new JArr([new JStr(value)]));
                    }
                    else
                    {
                        SetPath(body, field, new JStr(value));
                    }
                    note = $"{field} = {Trim(new JStr(value).Write())} ({value.Length} chars)";
                    expect = accepts(value) ? expect : Expectation.Reject;
                }
                raw = Encoding.UTF8.GetBytes(body.Write(asciiOnly: r.Next(2) == 0));
                break;
            case OversizedBody:
                {
                    var size = (64 * 1024) + 1 + r.Next(r.Next(2) == 0 ? 64 : 256 * 1024);
                    var padding = r.Next(3);
                    var text = body.Write();
                    raw = padding switch
                    {
                        0 => Encoding.UTF8.GetBytes(text + new string(' ', Math.Max(0, size - text.Length))),
                        1 => Encoding.UTF8.GetBytes(text[..^1] + ",\"pad\":\"" + new string('a', size) + "\"}"),
                        _ => Encoding.UTF8.GetBytes(new string('[', size)),
                    };
                    fuzz = fuzz with { Chunked = r.Next(2) == 0 };
                    note = $"{raw.Length} bytes ({(padding == 0 ? "trailing spaces" : padding == 1 ? "a long string" : "nested arrays")})";
                    expect = Expectation.Reject;
                    break;
                }
            case OversizedHeaders:
                {
                    var (headers, headerNote) = BigHeaders(r);
                    fuzz = fuzz with { Headers = headers };
                    note = headerNote;
                    break;
                }
            case IdempotencyKeys:
                {
                    (key, note, var acceptable) = BadKey(r);
                    if (e.Idempotent && !acceptable)
                    {
                        expect = Expectation.Reject;
                    }
                    break;
                }
            case ApiKeys:
                (auth, note) = BadAuth(r, e.Credential);
                expect = Expectation.Reject;
                break;
        }
        raw ??= Encoding.UTF8.GetBytes(body.Write());
        var pan = (body.Get("payment_method.card.number") as JStr)?.Value;
        return fuzz with
        {
            Body = raw,
            Expect = expect,
            Note = note,
            Authorization = auth,
            IdempotencyKey = key,
            ContentType = category == ExtraFields && r.Next(4) == 0 ? "text/plain" : fuzz.ContentType,
            Pan = pan is { Length: >= 12 } ? pan : null,
        };
    }

    private static (byte[] Body, string Note, bool Accept) Malformed(Random r, JObj body, bool allowEmpty)
    {
        var text = body.Write();
        switch (r.Next(16))
        {
            case 0:
                var cut = r.Next(1, text.Length - 1);
                return (Bytes(text[..cut]), $"truncated at {cut} of {text.Length}", false);
            case 1: return (Bytes(text[..^1] + ",}"), "a trailing comma", false);
            case 2: return (Bytes(text.Replace('"', '\'')), "single quotes", text == "{}");
            case 3: return (Bytes("{amount:1000,currency:usd}"), "unquoted keys and values", false);
            case 4: return (Bytes(text + text), "two documents", false);
            case 5: return (Bytes("/* c */" + text), "a comment", false);
            case 6:
                var literal = new[] { "null", "[]", "[{}]", "0", "-1", "\"{}\"", "true", "false", "NaN", "Infinity", "undefined" }[r.Next(11)];
                return (Bytes(literal), $"the body is {literal}", false);
            case 7:
                var depth = r.Next(65, 3000);
                return (Bytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)), $"nested {depth} deep", false);
            case 8: return (Bytes(text.Replace(":", "=", StringComparison.Ordinal)), "= instead of :", text == "{}");
            case 9:
                var bytes = Bytes(text);
                var at = r.Next(bytes.Length);
                // A byte no UTF-8 text has, in the middle of the structure or of a string.
                bytes[at] = (byte)new[] { 0xff, 0xfe, 0xc0, 0x80, 0xed }[r.Next(5)];
                // Inside a string a lenient reader may substitute U+FFFD; outside one the document is broken.
                var inString = bytes.Take(at).Count(b => b == (byte)'"') % 2 == 1;
                return (bytes, $"an invalid UTF-8 byte at {at}{(inString ? " (inside a string)" : "")}", inString);
            case 10: return (Bytes(text.Replace("}", "", StringComparison.Ordinal)), "unclosed objects", false);
            case 11: return (Bytes("\uFEFF" + text), "a byte order mark before the object", true);
            case 12: return ([], "an empty body", allowEmpty);
            case 13: return (Bytes("   \r\n\t "), "whitespace only", allowEmpty);
            case 14: return (Bytes(text[..^1] + ",\"x\":\"\\u12\"}"), "a broken \\u escape", false);
            default: return (Bytes(text[..^1] + ",\"x\":01}"), "a number with a leading zero", false);
        }
    }

    private static JNode WrongValue(Random r, FieldKind kind)
    {
        var strings = new JNode[] { new JStr("1000"), new JStr(""), new JStr("abc"), new JStr("1e3"), new JStr("0x10") };
        var numbers = new JNode[] { new JRaw("1000"), new JRaw("10.5"), new JRaw("1e3"), new JRaw("-0.0"), new JRaw("1000.0") };
        var others = new JNode[] { new JRaw("true"), new JRaw("false"), new JObj(), new JArr([]), new JArr([new JRaw("1")]), new JObj().Add("a", new JRaw("1")) };
        return kind switch
        {
            FieldKind.Integer => r.Next(2) == 0 ? strings[r.Next(strings.Length)] : Pick(r, [.. numbers.Skip(1), .. others]),
            FieldKind.String => Pick(r, [.. numbers, .. others]),
            FieldKind.Object => Pick(r, [.. strings, .. numbers, new JRaw("true"), new JArr([]), new JArr([new JObj()])]),
            // An empty list is wrong too: every list field of the API needs at least one item.
            FieldKind.StringArray => Pick(r, [new JStr("*"), new JStr("payment.captured"), .. numbers, .. others.Where(o => o is not JArr { Items.Count: 0 }), new JArr([]),
                new JArr([new JRaw("1")]), new JArr([new JRaw("null")]), new JArr([new JArr([])]), new JArr([new JObj()])]),
            _ => Pick(r, [.. strings, .. numbers, new JArr([]), new JObj().Add("k", new JRaw("5")), new JObj().Add("k", new JRaw("null")), new JObj().Add("k", new JObj())]),
        };
    }

    private static string ExtraMembers(Random r, JObj body)
    {
        switch (r.Next(6))
        {
            case 0:
                body.Add("unexpected", new JStr("x"));
                return "an unknown member";
            case 1:
                body.Add("id", new JStr("pay_" + Hex(r, 24))).Add("object", new JStr("payment")).Add("status", new JStr("succeeded"));
                return "server-set members (id, object, status)";
            case 2:
                body.Add("livemode", new JRaw("true")).Add("merchant_id", new JStr("mer_" + Hex(r, 24)));
                return "livemode and another merchant_id";
            case 3 when body.Members.Count > 0:
                var first = body.Members[0];
                body.Add(first.Key, first.Value);
                return $"{first.Key} twice";
            case 4:
                body.Add("nested", new JObj().Add("a", new JArr([new JRaw("1"), new JStr("b"), new JRaw("null")])));
                return "an unknown nested object";
            default:
                for (var i = 0; i < 50; i++)
                {
                    body.Add("x" + i.ToString(CultureInfo.InvariantCulture), new JRaw(i.ToString(CultureInfo.InvariantCulture)));
                }
                return "fifty unknown members";
        }
    }

    private static string HugeNumber(Random r) => r.Next(14) switch
    {
        0 => "9223372036854775807",
        1 => "9223372036854775808",
        2 => "-9223372036854775808",
        3 => "-9223372036854775809",
        4 => "2147483648",
        5 => "-2147483649",
        6 => "1e400",
        7 => "-1e400",
        8 => "1" + new string('0', r.Next(20, 400)),
        9 => "-" + r.NextInt64(1, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        10 => "-0",
        11 => "0",
        12 => r.NextInt64(long.MaxValue).ToString(CultureInfo.InvariantCulture),
        _ => "4.9e-324",
    };

    private static string Edge(Random r, long min, long max) => r.Next(6) switch
    {
        0 => (min - 1).ToString(CultureInfo.InvariantCulture),
        1 => min.ToString(CultureInfo.InvariantCulture),
        2 => max.ToString(CultureInfo.InvariantCulture),
        3 => (max + 1).ToString(CultureInfo.InvariantCulture),
        4 => (-max).ToString(CultureInfo.InvariantCulture),
        _ => r.NextInt64(min, max + 1).ToString(CultureInfo.InvariantCulture),
    };

    private static bool IsInteger(string text, out BigInteger value)
    {
        value = default;
        // JSON has no leading zeros, fractions or exponents in an integer the gateway reads.
        return text.Length > 0 && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase)
            && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    // ---- Routes without a JSON body (GETs, DELETE, POSTs on one object): the query string and the id in the path ----

    private FuzzCase GetCase(FuzzEndpoint e, string category, int index, Random r)
    {
        var (path, known) = e.Path(r, targets);
        var isList = e.ListFilter is not null;
        var slot = e.Item?.Invoke(targets);
        var isItem = slot is not null;
        var expect = known ? Expectation.MayAccept : Expectation.Reject;
        var note = known ? "valid" : "an id of no object";
        var query = isList ? ValidQuery(r, e.ListFilter!) : "";
        byte[]? body = null;
        string? key = null;
        var auth = Bearer(e.Credential);
        var fuzz = new FuzzCase(e.Name, category, index, e.Method, path, null, expect, note);
        var prefix = slot?.Type ?? "";
        string Id(string id) => slot!.Before + id + slot.After;
        var method = e.Method.Method;
        switch (category)
        {
            case MalformedJson:
                body = Malformed(r, new JObj().Add("limit", JNode.Num(5)), false).Body;
                note = $"a {method} with a malformed JSON body (ignored)";
                break;
            case WrongTypes when isList:
                (query, note) = Pick(r, [
                    ("limit=abc", "limit=abc"), ("limit=1.5", "limit=1.5"), ("limit=%2B5", "limit=+5"), ("limit=0x10", "limit=0x10"),
                    ("limit=%205", "limit=' 5'"), ("created%5Bgte%5D=yesterday", "created[gte]=yesterday"), ("created%5Blte%5D=1.5", "created[lte]=1.5"),
                    ("created%5Bgte%5D=-5", "created[gte]=-5"), ("limit=true", "limit=true"), ("limit=%5B1%5D", "limit=[1]")]);
                expect = Expectation.Reject;
                break;
            case WrongTypes when isItem:
                path = Id(Pick(r, ["123", prefix == "pay" ? "re_" + Hex(r, 24) : "pay_" + Hex(r, 24), "%7B%7D", "null", "true", prefix == "mer" ? "evt_" + Hex(r, 24) : "mer_" + Hex(r, 24), prefix + "_" + Hex(r, 23)]));
                note = "an id of another type or shape";
                expect = Expectation.Reject;
                break;
            case MissingFields when isList:
                (query, note, var rejects) = Pick(r, [("limit=", "limit empty", true), ("created%5Bgte%5D=", "created[gte] empty", false), ($"{e.ListFilter}=", $"{e.ListFilter} empty", false),
                    ("starting_after=", "starting_after empty", false), ("limit", "limit without =", true), ("=5", "a value without a name", false), ("&&&", "empty pairs", false)]);
                expect = rejects ? Expectation.Reject : expect;
                break;
            case MissingFields when isItem:
                path = Id("%20");
                note = "an id of one space";
                expect = Expectation.Reject;
                break;
            case ExtraFields:
                query = (query.Length > 0 ? query + "&" : "") + Pick(r, ["foo=bar", "expand%5B%5D=customer", "limit2=5", "merchant=mer_" + Hex(r, 24), "a=1&a=2&a=3", "livemode=true"]);
                note = "unknown query parameters (ignored)";
                break;
            case Numbers when isList:
                {
                    var name = Pick(r, ["limit", "created%5Bgte%5D", "created%5Blte%5D"]);
                    var number = r.Next(2) == 0 ? HugeNumber(r) : Edge(r, name == "limit" ? 1 : 0, name == "limit" ? 100 : 253_402_300_799);
                    query = $"{name}={Uri.EscapeDataString(number)}";
                    var valid = IsInteger(number, out var value) && !number.StartsWith('-') && value >= (name == "limit" ? 1 : 0)
                        && value <= (name == "limit" ? 100 : 253_402_300_799) && !number.StartsWith("-0", StringComparison.Ordinal);
                    expect = valid ? expect : Expectation.Reject;
                    note = $"{Uri.UnescapeDataString(name)}={Trim(number)}";
                    break;
                }
            case Numbers when isItem:
                path = Id(prefix + "_" + HugeNumber(r).TrimStart('-'));
                note = "an id made of a huge number";
                expect = Expectation.Reject;
                break;
            case Unicode:
                {
                    var odd = Oddity(r);
                    var escaped = EscapeOdd(odd);
                    if (isList)
                    {
                        var name = Pick(r, ["status", "starting_after", "ending_before", "payment", "type", "unknown"]);
                        query = $"{name}={escaped}";
                        note = $"{name} = {Trim(new JStr(odd).Write())}";
                        // Unknown parameters are ignored (type is one only on events); status and payment are filters or refused.
                        var ignored = name == "unknown" || (name == "type" && e.ListFilter != "type");
                        expect = ignored || (name == "payment" && e.ListFilter == "payment") ? expect : Expectation.Reject;
                    }
                    else if (isItem)
                    {
                        path = Id(prefix + "_" + escaped);
                        note = $"an id {prefix}_{Trim(new JStr(odd).Write())}";
                        expect = Expectation.Reject;
                    }
                    else
                    {
                        query = "q=" + escaped;
                        note = "an unknown query parameter of odd text (ignored)";
                    }
                    break;
                }
            case OversizedBody:
                body = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('a', (64 * 1024) + r.Next(64 * 1024)) + "\"}");
                fuzz = fuzz with { Chunked = r.Next(2) == 0 };
                note = $"a {method} with a {body.Length}-byte body (ignored)";
                break;
            case OversizedHeaders:
                {
                    var (headers, headerNote) = BigHeaders(r);
                    fuzz = fuzz with { Headers = headers };
                    note = headerNote;
                    break;
                }
            case IdempotencyKeys:
                (key, note, _) = BadKey(r);
                note += " (the route ignores the header)";
                break;
            case ApiKeys:
                (auth, note) = BadAuth(r, e.Credential);
                expect = Expectation.Reject;
                break;
        }
        var target = query.Length > 0 ? $"{path}?{query}" : path;
        return fuzz with { PathAndQuery = target, Body = body, Expect = expect, Note = note, Authorization = auth, IdempotencyKey = key };
    }

    private static string ValidQuery(Random r, string filter)
    {
        var parts = new List<string>();
        if (r.Next(2) == 0)
        {
            parts.Add("limit=" + r.Next(1, 101).ToString(CultureInfo.InvariantCulture));
        }
        if (filter == "status" && r.Next(3) == 0)
        {
            parts.Add("status=" + Pick(r, Statuses));
        }
        if (filter == "type" && r.Next(3) == 0)
        {
            parts.Add("type=" + Pick(r, EventTypes));
        }
        if (r.Next(4) == 0)
        {
            parts.Add("created%5Bgte%5D=" + (1_700_000_000 + r.Next(100_000_000)).ToString(CultureInfo.InvariantCulture));
        }
        return string.Join('&', parts);
    }

    // ---- Headers and keys ----

    private static (IReadOnlyList<KeyValuePair<string, string>> Headers, string Note) BigHeaders(Random r)
    {
        switch (r.Next(4))
        {
            case 0:
                var size = r.Next(1024, 16 * 1024);
                return ([new("X-Fuzz", new string('a', size))], $"one {size}-character header");
            case 1:
                var count = r.Next(50, 90);
                return ([.. Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string>($"X-Fuzz-{i}", new string('b', 100)))], $"{count} headers of 100 characters");
            case 2:
                var big = r.Next(40 * 1024, 80 * 1024);
                return ([new("X-Fuzz", new string('c', big))], $"one {big}-character header (over the server's total)");
            default:
                return ([new("User-Agent", new string('d', r.Next(2000, 8000)))], "a long User-Agent");
        }
    }

    /// <summary>An idempotency key that is wrong; <c>Acceptable</c> when the gateway may still take it (valid, or dropped on the way).</summary>
    private static (string Key, string Note, bool Acceptable) BadKey(Random r) => r.Next(9) switch
    {
        0 => (new string('k', r.Next(256, 4000)), "too long", false),
        1 => (new string('k', 255), "255 characters (the longest allowed)", true),
        2 => ("key-é-" + Hex(r, 8), "non-ASCII (UTF-8 bytes on the wire)", false),
        3 => ("key-😀-" + Hex(r, 8), "an emoji (UTF-8 bytes on the wire)", false),
        4 => ("key\t" + Hex(r, 8), "a tab inside", false),
        5 => ("key\u007f" + Hex(r, 8), "a DEL inside", false),
        6 => ("key-\u202e-" + Hex(r, 8), "an RTL override", false),
        7 => ("ключ-" + Hex(r, 8), "Cyrillic", false),
        _ => ("key \"" + Hex(r, 8) + "\" ; , = { }", "punctuation and spaces (printable ASCII)", true),
    };

    private (string? Authorization, string Note) BadAuth(Random r, Credential credential) => r.Next(12) switch
    {
        0 => (null, "no Authorization header"),
        1 => ("Bearer ", "an empty bearer"),
        2 => ("Bearer sk_test_" + Base62(r, 32), "a random test key"),
        3 => ("Bearer sk_live_" + Base62(r, 32), "a random live key"),
        4 => ("Bearer " + targets.RevokedKey, "a revoked key"),
        5 => ("Bearer " + targets.ExpiredKey, "an expired key (rolled with expires_in_seconds 0)"),
        6 => ("Bearer pk_test_" + targets.MerchantKey["sk_test_".Length..], "the merchant's key with a pk_ prefix"),
        7 => ("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(targets.MerchantKey + ":")), "Basic authentication with the key"),
        8 => (credential == Credential.Admin ? "Bearer " + targets.MerchantKey : "Bearer " + targets.AdminKey,
            credential == Credential.Admin ? "a merchant key on an admin route" : "the admin key on a merchant route"),
        9 => ("Bearer " + Bearer(credential)![7..^1], "the right key less its last character"),
        10 => ("Bearer sk_test_" + new string('A', r.Next(100, 5000)), "a very long key"),
        _ => ("Bearer sk_test_" + Base62(r, 16) + "'; DROP TABLE api_keys; --", "a key with SQL in it"),
    };

    private string? Bearer(Credential credential) => "Bearer " + credential switch
    {
        Credential.Admin => targets.AdminKey,
        Credential.RollMerchant => targets.RollMerchantKey,
        Credential.WebhookMerchant => targets.WebhookMerchantKey,
        Credential.KeyOwner => targets.KeyOwnerKey,
        _ => targets.MerchantKey,
    };

    private static string NewKey(Random r) => "fuzz-" + Hex(r, 32);

    // ---- Text ----

    /// <summary>Text that trips up naive handling: lone surrogates, NUL, direction marks, emoji, combining marks.</summary>
    public static string Oddity(Random r) => r.Next(14) switch
    {
        0 => "\ud800",
        1 => "a\udc00b",
        2 => "\udbff\ud800",
        3 => "nul\u0000here",
        4 => "\u202eevil\u202c",
        5 => "\u200f\u200e\u061c",
        6 => "😀👨‍👩‍👧‍👦🏳️‍🌈",
        7 => "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308",
        8 => "\ufeff\ufffe\uffff",
        9 => "İıſK",
        10 => "<script>alert(1)</script>",
        11 => "%00%ff\\u0000",
        12 => "\u2028\u2029\u0085",
        _ => "𝕦𝕤𝕕 ٤٢٤٢",
    };

    private static string LongOddity(Random r)
    {
        var builder = new StringBuilder();
        var length = r.Next(2) == 0 ? r.Next(200, 1100) : r.Next(1000, 20000);
        while (builder.Length < length)
        {
            builder.Append(Oddity(r));
        }
        return builder.ToString();
    }

    /// <summary>Percent-encodes text as UTF-8, lone surrogates as the bytes of their code point (not valid UTF-8).</summary>
    private static string EscapeOdd(string text)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                builder.Append(c);
                continue;
            }
            byte[] bytes;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                bytes = Encoding.UTF8.GetBytes(text.Substring(i++, 2));
            }
            else if (char.IsSurrogate(c))
            {
                bytes = [(byte)(0xe0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3f)), (byte)(0x80 | (c & 0x3f))];
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes(c.ToString());
            }
            foreach (var b in bytes)
            {
                builder.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }
        return builder.ToString();
    }

    private static string RandomJunk(Random r, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => (char)r.Next(0x20, 0x2500)));

    public static string Hex(Random r, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[r.Next(16)]));

    private static string Base62(Random r, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[r.Next(62)]));

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static (string Path, bool Known) KnownOrNot(Random r, string prefix, string id, string type, string suffix = "") =>
        r.Next(5) == 0 ? ($"{prefix}{type}_{Hex(r, 24)}{suffix}", false) : ($"{prefix}{id}{suffix}", true);

    private static void SetPath(JObj body, string path, JNode value)
    {
        if (!body.Set(path, value))
        {
            // The parent was optional and absent in this base body: put it back with just this member.
            var parent = path[..path.LastIndexOf('.')];
            SetPath(body, parent, new JObj());
            body.Set(path, value);
        }
    }

    private static string Trim(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A Visa test number of its own (424242, then seeded digits, then the Luhn digit).</summary>
    public static string CardNumber(Random r)
    {
        var digits = "424242" + string.Concat(Enumerable.Range(0, 9).Select(_ => (char)('0' + r.Next(10))));
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }
        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    // ---- Bodies ----

    private static BodySpec PaymentBody() => new(
        Valid: r =>
        {
            var card = new JObj().Add("number", new JStr(CardNumber(r))).Add("exp_month", JNode.Num(r.Next(1, 13))).Add("exp_year", JNode.Num(r.Next(2030, 2041)));
            if (r.Next(4) > 0)
            {
                card.Add("cvc", new JStr(r.Next(2) == 0 ? "123" : "1234"));
            }
            var body = new JObj().Add("amount", JNode.Num(r.Next(100, 100_000))).Add("currency", new JStr(Pick(r, ValidCurrencies)));
            if (r.Next(4) > 0)
            {
                body.Add("capture_method", new JStr(r.Next(2) == 0 ? "manual" : "automatic"));
            }
            body.Add("payment_method", new JObj().Add("type", new JStr("card")).Add("card", card));
            if (r.Next(2) == 0)
            {
                body.Add("description", new JStr("fuzz order " + Hex(r, 6)));
            }
            if (r.Next(2) == 0)
            {
                body.Add("metadata", new JObj().Add("order_id", new JStr(Hex(r, 8))));
            }
            return body;
        },
        Required: ["amount", "currency", "payment_method", "payment_method.type", "payment_method.card", "payment_method.card.number",
            "payment_method.card.exp_month", "payment_method.card.exp_year"],
        Optional: ["capture_method", "description", "metadata", "payment_method.card.cvc"],
        Fields: [("amount", FieldKind.Integer), ("currency", FieldKind.String), ("capture_method", FieldKind.String), ("payment_method", FieldKind.Object),
            ("payment_method.type", FieldKind.String), ("payment_method.card", FieldKind.Object), ("payment_method.card.number", FieldKind.String),
            ("payment_method.card.exp_month", FieldKind.Integer), ("payment_method.card.exp_year", FieldKind.Integer), ("payment_method.card.cvc", FieldKind.String),
            ("description", FieldKind.String), ("metadata", FieldKind.Dictionary)],
        Numbers: [("amount", 1, 99_999_999), ("payment_method.card.exp_month", 1, 12), ("payment_method.card.exp_year", 2026, 2100)],
        Strings: [("description", s => s.Length <= 1000), ("currency", _ => false), ("capture_method", _ => false), ("payment_method.type", _ => false),
            ("payment_method.card.number", _ => false), ("payment_method.card.cvc", _ => false), ("metadata.order_id", s => s.Length <= 500),
            ("metadata.*", s => s.Length is > 0 and <= 40)],
        Currency: "currency");

    private static BodySpec CaptureBody() => new(
        Valid: r => r.Next(2) == 0 ? new JObj() : new JObj().Add("amount_to_capture", JNode.Num(r.Next(1, 100_001))),
        Required: [],
        Optional: ["amount_to_capture"],
        Fields: [("amount_to_capture", FieldKind.Integer)],
        Numbers: [("amount_to_capture", 1, 99_999_999)],
        Strings: [],
        AllowEmpty: true);

    private static BodySpec CancelBody() => new(
        Valid: r => r.Next(2) == 0 ? new JObj() : new JObj().Add("cancellation_reason", new JStr(Pick(r, CancellationReasons))),
        Required: [],
        Optional: ["cancellation_reason"],
        Fields: [("cancellation_reason", FieldKind.String)],
        Numbers: [],
        Strings: [("cancellation_reason", _ => false)],
        AllowEmpty: true);

    private static BodySpec RefundBody(FuzzTargets targets) => new(
        Valid: r =>
        {
            var body = new JObj().Add("payment", new JStr(Pick(r, targets.CapturedPayments)));
            if (r.Next(10) > 0)
            {
                body.Add("amount", JNode.Num(r.Next(1, 200)));
            }
            if (r.Next(2) == 0)
            {
                body.Add("reason", new JStr(Pick(r, RefundReasons)));
            }
            return body;
        },
        Required: ["payment"],
        Optional: ["amount", "reason"],
        Fields: [("payment", FieldKind.String), ("amount", FieldKind.Integer), ("reason", FieldKind.String)],
        Numbers: [("amount", 1, 99_999_999)],
        Strings: [("payment", _ => false), ("reason", _ => false)]);

    private static BodySpec RollBody() => new(
        Valid: r => r.Next(4) == 0 ? new JObj() : new JObj().Add("expires_in_seconds", JNode.Num(r.Next(600, 604_801))),
        Required: [],
        Optional: ["expires_in_seconds"],
        Fields: [("expires_in_seconds", FieldKind.Integer)],
        Numbers: [("expires_in_seconds", 0, 604_800)],
        Strings: [],
        AllowEmpty: true);

    private static BodySpec MerchantBody() => new(
        Valid: r =>
        {
            var body = new JObj().Add("name", new JStr("Fuzz merchant " + Hex(r, 6)));
            if (r.Next(2) == 0)
            {
                body.Add("fee_rule", new JObj().Add("basis_points", JNode.Num(r.Next(0, 1000))).Add("fixed", JNode.Num(r.Next(0, 100))));
            }
            if (r.Next(2) == 0)
            {
                body.Add("rate_limit", new JObj().Add("requests_per_second", JNode.Num(10)).Add("burst", JNode.Num(20)));
            }
            return body;
        },
        Required: ["name"],
        Optional: ["fee_rule", "rate_limit", "fee_rule.basis_points", "fee_rule.fixed", "rate_limit.requests_per_second", "rate_limit.burst"],
        Fields: [("name", FieldKind.String), ("fee_rule", FieldKind.Object), ("fee_rule.basis_points", FieldKind.Integer), ("fee_rule.fixed", FieldKind.Integer),
            ("rate_limit", FieldKind.Object), ("rate_limit.requests_per_second", FieldKind.Integer), ("rate_limit.burst", FieldKind.Integer)],
        Numbers: [("fee_rule.basis_points", 0, 10_000), ("fee_rule.fixed", 0, 99_999_999), ("rate_limit.requests_per_second", 1, 1_000_000), ("rate_limit.burst", 1, 10_000_000)],
        Strings: [("name", s => !string.IsNullOrWhiteSpace(s) && s.Length <= 200)]);

    private static BodySpec UpdateMerchantBody() => new(
        Valid: r =>
        {
            var body = new JObj();
            if (r.Next(3) > 0)
            {
                body.Add("fee_rule", new JObj().Add("basis_points", JNode.Num(r.Next(0, 1000))).Add("fixed", JNode.Num(r.Next(0, 100))));
            }
            if (r.Next(3) > 0)
            {
                var perSecond = r.Next(1, 1000);
                body.Add("rate_limit", new JObj().Add("requests_per_second", JNode.Num(perSecond)).Add("burst", JNode.Num(perSecond + r.Next(0, 1000))));
            }
            return body;
        },
        Required: [],
        Optional: ["fee_rule", "rate_limit", "fee_rule.basis_points", "fee_rule.fixed", "rate_limit.requests_per_second", "rate_limit.burst"],
        Fields: [("fee_rule", FieldKind.Object), ("fee_rule.basis_points", FieldKind.Integer), ("fee_rule.fixed", FieldKind.Integer),
            ("rate_limit", FieldKind.Object), ("rate_limit.requests_per_second", FieldKind.Integer), ("rate_limit.burst", FieldKind.Integer)],
        Numbers: [("fee_rule.basis_points", 0, 10_000), ("fee_rule.fixed", 0, 99_999_999), ("rate_limit.requests_per_second", 1, 1_000_000), ("rate_limit.burst", 1, 10_000_000)],
        Strings: []);

    /// <summary>Handles of the directory's test data (valid, unknown PSP, unknown address, inactive), and fresh ones.</summary>
    private static readonly string[] Handles = ["success@okhdfcbank", "Success@OKHDFCBANK", "someone@notapsp", "unknown.customer@okhdfcbank", "inactive.customer@oksbi", "invalid7@paytm"];

    private static BodySpec HandleBody() => new(
        Valid: r => new JObj().Add("handle", new JStr(r.Next(3) == 0 ? $"fuzz.{Hex(r, 8)}@okaxis" : Pick(r, Handles))),
        Required: ["handle"],
        Optional: [],
        Fields: [("handle", FieldKind.String)],
        Numbers: [],
        Strings: [("handle", IsHandle)]);

    /// <summary>The gateway's handle syntax (Handles/HandleSyntax.cs): what else is a 400.</summary>
    private static bool IsHandle(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, "^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static BodySpec RollSecretBody() => new(
        Valid: r => r.Next(4) == 0 ? new JObj() : new JObj().Add("expires_in", JNode.Num(r.Next(0, 604_801))),
        Required: [],
        Optional: ["expires_in"],
        Fields: [("expires_in", FieldKind.Integer)],
        Numbers: [("expires_in", 0, 604_800)],
        Strings: [],
        AllowEmpty: true);

    private static BodySpec WebhookEndpointBody(FuzzTargets targets) => new(
        Valid: r =>
        {
            var events = r.Next(3) == 0
                ? new JArr([new JStr("*")])
                : new JArr([.. EventTypes.Where(_ => r.Next(2) == 0).DefaultIfEmpty(EventTypes[r.Next(EventTypes.Length)]).Select(t => (JNode)new JStr(t))]);
            var body = new JObj().Add("url", new JStr($"{targets.WebhookUrl}/{Hex(r, 8)}")).Add("enabled_events", events);
            if (r.Next(2) == 0)
            {
                body.Add("description", new JStr("fuzz endpoint " + Hex(r, 6)));
            }
            if (r.Next(4) == 0)
            {
                body.Add("rate_limit", JNode.Num(r.Next(1, 101)));
            }
            return body;
        },
        Required: ["url", "enabled_events"],
        Optional: ["description", "rate_limit"],
        Fields: [("url", FieldKind.String), ("enabled_events", FieldKind.StringArray), ("description", FieldKind.String), ("rate_limit", FieldKind.Integer)],
        Numbers: [("rate_limit", 1, 100_000)],
        Strings: [("url", IsWebhookUrl), ("description", s => s.Length <= 5000), ("enabled_events[]", _ => false)]);

    /// <summary>Notify's rule for the URL (an absolute http(s) URL of at most 2048 characters); an oddity appended stays on the closed local port.</summary>
    private static bool IsWebhookUrl(string text) =>
        text.Length <= 2048 && Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}
