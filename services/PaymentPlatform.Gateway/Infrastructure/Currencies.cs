namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>
/// ISO 4217 currencies in circulation and their minor units (the exponent: 2 for usd, 0 for jpy, 3 for kwd).
/// Amounts are integers in minor units, so the exponent is what an amount means; funds codes, precious
/// metals and testing codes (XAU, XTS, ...) are not payable.
/// </summary>
internal static class Currencies
{
    public static bool TryGetMinorUnits(string code, out int minorUnits) => MinorUnits.TryGetValue(code, out minorUnits);

    public static bool IsValid(string code) => MinorUnits.ContainsKey(code);

    private static Dictionary<string, int> Build()
    {
        var units = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var code in ZeroDecimal)
        {
            units[code] = 0;
        }
        foreach (var code in ThreeDecimal)
        {
            units[code] = 3;
        }
        foreach (var code in TwoDecimal)
        {
            units[code] = 2;
        }
        units["clf"] = 4;
        units["uyw"] = 4;
        return units;
    }

    private static readonly string[] ZeroDecimal =
        ["bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf", "ugx", "uyi", "vnd", "vuv", "xaf", "xof", "xpf"];

    private static readonly string[] ThreeDecimal = ["bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"];

    private static readonly string[] TwoDecimal =
    [
        "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bmd", "bnd", "bob", "brl",
        "bsd", "btn", "bwp", "byn", "bzd", "cad", "cdf", "chf", "cny", "cop", "crc", "cup", "cve", "czk", "dkk", "dop", "dzd",
        "egp", "ern", "etb", "eur", "fjd", "fkp", "gbp", "gel", "ghs", "gip", "gmd", "gtq", "gyd", "hkd", "hnl", "htg", "huf",
        "idr", "ils", "inr", "irr", "jmd", "kes", "kgs", "khr", "kpw", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad",
        "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mru", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
        "npr", "nzd", "pab", "pen", "pgk", "php", "pkr", "pln", "qar", "ron", "rsd", "rub", "sar", "sbd", "scr", "sdg", "sek",
        "sgd", "shp", "sle", "sos", "srd", "ssp", "stn", "svc", "syp", "szl", "thb", "tjs", "tmt", "top", "try", "ttd", "twd",
        "tzs", "uah", "usd", "uyu", "uzs", "ves", "wst", "xcd", "yer", "zar", "zmw", "zwg",
    ];

    // Last: static fields initialise in order, and this one reads the lists above.
    private static readonly Dictionary<string, int> MinorUnits = Build();
}
