using System.Text;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Generators of valid personal data (phones, Aadhaar, PAN, NINO) and the places log text travels in (free
/// text, URLs, form bodies, SQL, stack traces, header maps, JSON inside strings, Kubernetes objects), for the personal
/// data families. Every record also carries the fields the index needs, which must come out unchanged.</summary>
internal static class PiiCorpus
{
    /// <summary>The places a fragment of log text is put in; <see cref="Record"/> takes one by name.</summary>
    public static readonly IReadOnlyList<string> Places = ["text", "url", "form", "sql", "stack", "headers", "json-string", "k8s"];

    private static readonly string[] Services = ["agent-gateway", "billing-api", "model-router", "workflow-runner", "rag-indexer"];

    // Verhoeff tables (as in the masker) plus the inverse, to compute check digits.
    private static readonly int[,] D =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly int[,] P =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    private static readonly int[] Inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

    /// <summary>A North American number's ten digits: area and exchange codes start 2-9.</summary>
    public static string NanpDigits(this Random random) =>
        $"{random.Next(2, 10)}{random.Next(10)}{random.Next(10)}{random.Next(2, 10)}{random.Next(10)}{random.Next(10)}{random.Next(1000, 10000)}";

    /// <summary>A 12-digit Aadhaar number: first digit 2-9, Verhoeff check digit, not a palindrome.</summary>
    public static string Aadhaar(this Random random)
    {
        while (true)
        {
            var body = random.Next(2, 10) + random.From("0123456789", 10);
            var c = 0;
            for (var i = 0; i < body.Length; i++)
            {
                c = D[c, P[(i + 1) % 8, body[body.Length - 1 - i] - '0']];
            }

            var number = body + Inv[c];
            if (!number.SequenceEqual(number.Reverse()))
            {
                return number;
            }
        }
    }

    /// <summary>An India PAN: three letters, the holder type (P for a person, C company…), a letter, four digits, a letter.</summary>
    public static string Pan(this Random random) =>
        random.From("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3) + random.From("PCHFT", 1) + random.From("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1)
        + random.Next(1000, 10000) + random.From("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1);

    /// <summary>A UK National Insurance number's prefix (allowed letters, no excluded pair), digits and suffix.</summary>
    public static (string Prefix, string Digits, char Suffix) Nino(this Random random)
    {
        string prefix;
        do
        {
            prefix = random.From("ABCEGHJKLMNOPRSTWXYZ", 1) + random.From("ABCEGHJKLMNPRSTWXYZ", 1);
        }
        while (prefix is "BG" or "GB" or "NK" or "KN" or "NT" or "TN" or "ZZ");

        return (prefix, random.Next(100000, 1000000).ToString(System.Globalization.CultureInfo.InvariantCulture), random.From("ABCD", 1)[0]);
    }

    /// <summary>A US SSN the SSA could issue: area 001-899 but 666, group 01-99, serial 0001-9999.</summary>
    public static (int Area, int Group, int Serial) Ssn(this Random random)
    {
        int area;
        do
        {
            area = random.Next(1, 900);
        }
        while (area == 666);

        return (area, random.Next(1, 100), random.Next(1, 10000));
    }

    /// <summary>A record whose <c>message</c>-like field, in the form of <paramref name="place"/>, holds
    /// <paramref name="fragment"/> (already in the form that place writes it: URL-encoded for a URL, and so on). The
    /// record carries <c>@timestamp</c>, <c>trace_id</c>, <c>span_id</c>, <c>level</c> and <c>service_name</c>, added to
    /// <paramref name="keep"/>.</summary>
    public static string Record(Random random, string place, string fragment, List<string> keep)
    {
        var envelope = Envelope(random, keep);
        var field = place switch
        {
            "text" => $"\"message\":{Q($"request from {fragment} accepted after 3 retries")}",
            "url" => $"\"url\":{Q($"https://api.example.com/v1/contacts?q={fragment}&limit=20")}",
            "form" => $"\"http\":{{\"request\":{{\"body\":{Q($"name=Jo&contact={fragment}&submit=Save")}}}}}",
            "sql" => $"\"db\":{{\"statement\":{Q($"UPDATE contacts SET value = '{fragment}' WHERE id = 42")}}}",
            "stack" => $"\"error\":{{\"stack_trace\":{Q($"System.InvalidOperationException: no account for {fragment}\n   at Billing.Accounts.Find(String key) in /src/Accounts.cs:line 88\n   at Billing.Api.Get() in /src/Api.cs:line 17")}}}",
            "headers" => $"\"request\":{{\"headers\":{{\"accept\":\"application/json\",\"x-contact\":{Q(fragment)},\"user-agent\":\"curl/8.4.0\"}}}}",
            "json-string" => $"\"payload\":{Q($"{{\"contact\":{Q(fragment)},\"attempt\":2}}")}",
            "k8s" => $"\"object\":{{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{{\"name\":\"contact-{random.Letters(5)}\",\"namespace\":\"billing\",\"annotations\":{{\"owner\":{Q(fragment)}}}}}}}",
            _ => throw new ArgumentOutOfRangeException(nameof(place), place, null),
        };
        return "{" + envelope + "," + field + "}";
    }

    /// <summary>The fields every corpus record carries and that must survive: time, trace and span IDs, level and
    /// service.</summary>
    public static string Envelope(Random random, List<string> keep)
    {
        var time = $"2026-12-07T0{random.Next(1, 6)}:{random.Next(10, 60)}:{random.Next(10, 60)}.{random.Next(100, 1000)}Z";
        var trace = random.Hex(32);
        var span = random.Hex(16);
        var service = random.Pick(Services);
        keep.AddRange([time, trace, span, service]);
        return $"\"@timestamp\":\"{time}\",\"trace_id\":\"{trace}\",\"span_id\":\"{span}\",\"level\":\"info\",\"service_name\":\"{service}\"";
    }

    /// <summary>A JSON string literal.</summary>
    public static string Q(string text) => CorpusValues.Quote(text);

    /// <summary>A value URL-encoded as a query string writes it.</summary>
    public static string UrlEncode(string text) => Uri.EscapeDataString(text);

    /// <summary>Text as a form body writes it (spaces as '+').</summary>
    public static string FormEncode(string text) => Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>Every character of <paramref name="text"/> written as a JSON <c>\uXXXX</c> escape.</summary>
    public static string UnicodeEscaped(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }

        return builder.ToString();
    }
}
