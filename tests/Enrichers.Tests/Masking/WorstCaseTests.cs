using System.Text;
using Enrichers.Json;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

/// <summary>Issue 20: a crafted value must cost masking time linear in its length. Asserted on the scanner's
/// deterministic work counter (code units examined), never on a clock: at 1 MiB per detector family, the work per
/// code unit stays under a small constant and grows no faster than the value.</summary>
public class WorstCaseTests
{
    private const int MiB = 1024 * 1024;

    /// <summary>Work per code unit no family may exceed; the default budget (<see cref="ScanState.DefaultWorkPerUnit"/>)
    /// is well above it.</summary>
    private const int MaxWorkPerUnit = 16;

    private static readonly KeyNameRules Keys = KeyNameRules.Create(new MaskingOptions());

    // Family → repetitions of its trigger characters and near-misses (the same as bench masking-worst-case).
    public static readonly TheoryData<string, string> Units = new()
    {
        { "email", "a@" }, { "email", "a.a@a.a" }, { "email", "1@2." }, { "email", "@" }, { "email", "a%40" },
        { "email", "a.a%40a." }, { "email", "x@a.a-" }, { "email", ".@." },
        { "url_password", "http://a:b@" }, { "url_password", "a://" }, { "url_password", "://a@" }, { "url_password", "s://u:p" },
        { "url_password", "a:/@" }, { "url_password", "x://a@b@" }, { "url_password", "x://a:" }, { "url_password", "http://a:b@c/d@" }, { "url_password", "http://a:b@c/" }, { "url_password", "@c/d" }, { "url_password", "http://a:1/b@c:" }, { "url_password", "http://a:1/b@" }, { "url_password", "b@c:1" },
        { "phone", "+1" }, { "phone", "+1 " }, { "phone", "+12 345 " }, { "phone", "(123)" }, { "phone", "(415) 555-" },
        { "phone", "123-" }, { "phone", "1 " }, { "phone", "415.555." }, { "phone", "1-800-" },
        { "card", "4111 " }, { "card", "2222-" }, { "card", "4111111111111112 " }, { "card", "1234567890123 " },
        { "card", "4111 1111 1111 111 " }, { "card", "5" },
        { "ssn", "123-45-" }, { "ssn", "123-45-678 " }, { "ssn", "1-" },
        { "iban", "DE89 " }, { "iban", "AB12" }, { "iban", "GB82 WEST " }, { "iban", "DE89370400440532013001 " }, { "iban", "DE" },
        { "ip", "1.2." }, { "ip", "1.2.3.4." }, { "ip", "81.2.69." }, { "ip", "2001:" }, { "ip", "2001:db8:" },
        { "ip", "2001:db8::1:" }, { "ip", "255.255.255.255 " }, { "ip", ":" },
        { "date", "2026-11-26T" }, { "date", "2026-11-26T12:00:00." }, { "date", "2026-" },
        { "jwt", "eyJ" }, { "jwt", "eyJ." }, { "jwt", "eyJaaaaaaaaaa." }, { "jwt", "eyJaaaaaaaaaa.a " }, { "jwt", "eyJhbGciOiJIUzI1NiJ9.e" },
        { "api_key", "AKIA" }, { "api_key", "AIza" }, { "api_key", "sk-" }, { "api_key", "sk-a " }, { "api_key", "sk_live_" },
        { "api_key", "xoxb-" }, { "api_key", "ghp_" }, { "api_key", "github_pat_" }, { "api_key", "_" }, { "api_key", "xoxb-a " },
        { "bearer", "Bearer " }, { "bearer", "Bearer abc " }, { "bearer", "Basic " }, { "bearer", "bearer\t" }, { "bearer", "Basic a.Basic " },
        { "private_key", "-----BEGIN " }, { "private_key", "-----BEGIN X-----" }, { "private_key", "-----" }, { "private_key", "-----BEGIN PRIVATE" },
        { "key", "password=" }, { "key", "a=" }, { "key", "a:" }, { "key", "password=[" }, { "key", "password=[ a " }, { "key", "token: " },
        { "key", "\"password\":\"\"" }, { "key", "=" }, { "key", "Authorization: Bearer " }, { "key", "password: a b " }, { "key", "x=y " },
        { "vendor_token", "sk-" }, { "vendor_token", "hf_" }, { "vendor_token", "glpat-" }, { "vendor_token", "SG." }, { "vendor_token", "ya29." }, { "vendor_token", "hooks.slack.com/services/" }, { "vendor_token", "key-" }, { "vendor_token", "a-" }, { "vendor_token", "a." }, { "vendor_token", "a_" }, { "vendor_token", "-" }, { "vendor_token", "." }, { "vendor_token", "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }, { "vendor_token", "xghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }, { "vendor_token", "dapi" }, { "vendor_token", "SK0" }, { "vendor_token", "LS0tLS1CRUdJTi" }, { "vendor_token", "ATATT" }, { "vendor_token", "AKIAAAAAAAAAAAAAAAAA a/" }, { "vendor_token", "dop_v1_" },
        { "password_hash", "$" }, { "password_hash", "$2b$" }, { "password_hash", "$2b$12$" }, { "password_hash", "$argon2id$v=19$" }, { "password_hash", "a$" }, { "password_hash", "pbkdf2_sha256$" }, { "password_hash", "$$" }, { "password_hash", "$1$a" },
        { "password_phrase", "password " }, { "password_phrase", "password is " }, { "password_phrase", "PASSWORD '" }, { "password_phrase", "w" }, { "password_phrase", "W" }, { "password_phrase", "pwd is a " }, { "password_phrase", "IDENTIFIED BY '" }, { "password_phrase", " BY '" }, { "password_phrase", "'" }, { "password_phrase", "password is set to " }, { "password_phrase", "\"" }, { "password_phrase", "`" }, { "password_phrase", "IDENTIFIED BY \"" }, { "password_phrase", " BY `" }, { "password_phrase", "by \"a\" " },
        { "command_line", " -p" }, { "command_line", " -pa" }, { "command_line", "mysql -px " }, { "command_line", "curl -u a:b " }, { "command_line", " --user " }, { "command_line", " -u " }, { "command_line", "sshpass -p a " },
        { "xml", "<password>" }, { "xml", "<a>" }, { "xml", "password>" }, { "xml", "<password><" }, { "xml", "<password><![CDATA[" }, { "xml", "<password a=\"b\">" }, { "xml", "<password a=" }, { "xml", "<a b=\"c\">" }, { "xml", "<password " }, { "xml", "a>" }, { "xml", "<password/>" },
        { "pair", "name=password " }, { "pair", "\"name\":\"token\",\"value\":" }, { "pair", "value=" }, { "pair", "name: x_token\n" }, { "pair", "\\u0022password\\u0022:\\u0022" }, { "pair", "\\u0022" }, { "pair", "\\\"password\\\":\\\"" }, { "pair", "Password = " }, { "pair", "a = " }, { "pair", "Cookie: a=1; " }, { "pair", "Authorization: Digest a=" }, { "pair", "password=a," }, { "pair", "password=a>" }, { "pair", "pwd={" }, { "pair", "password=\"a\"\"" }, { "pair", "?code=" }, { "pair", "name=\"password\"\n\n" }, { "pair", "name=\"password\"\r\nContent-Type: a\r\n" }, { "pair", "name=\"password\"\nA:" }, { "pair", "password=true " }, { "pair", "sig=SIGTERM " },
        { "json_text", "{\"a\":\"b\"}" }, { "json_text", "\\\"" }, { "json_text", "\"a@b\":" }, { "json_text", "[1,2,3]" },

        // Issue 21's forms and context rules.
        { "email", "o'n@" }, { "email", "\"a\"@" }, { "email", "\" @" }, { "email", "a@b.xn--" }, { "email", "\\u0061@" },
        { "email", "a%40%C3%BC." }, { "email", "a@\u00e9." }, { "email", "a'" },
        { "phone", "+44\u00a020\u00a0" }, { "phone", "415\u00a0555\u00a0" }, { "phone", "%2B1" }, { "phone", "latency 832 753 5866 " },
        { "phone", "832 753 5866 ms " }, { "phone", "caller_id=1234567 " }, { "phone", "phone 1 " }, { "phone", "a b c 1234567 " },
        { "card", "4111+" }, { "card", "4111%20" }, { "card", "4111.1111." }, { "card", "card 1234 " },
        { "ssn", "123 45 " }, { "ssn", "078 05 1120 " }, { "ssn", "ssn=12345678 " },
        { "iban", "de89 " }, { "iban", "de89-" }, { "iban", "be" }, { "iban", "DE89-3704-" },
        { "national_id", "2345 6789 " }, { "national_id", "AB 12 " }, { "national_id", "ABCPE1" }, { "national_id", "PAN: ABCPE1234F " },
        { "national_id", "aadhaar: 234567890123 " }, { "national_id", "AB1" }, { "national_id", "AB 12 34 56 " },
        { "ip", "agent/1.2.3.4 " }, { "ip", "Version=1.2.3.4 " }, { "ip", "a/1." }, { "ip", "build 1.2.3.4 " },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void Scanning_a_1_MiB_repetition_costs_a_small_constant_per_code_unit(string family, string unit)
    {
        var text = Repeat(unit, MiB);
        var chars = Work(text.AsSpan());
        var bytes = Work<byte>(Encoding.UTF8.GetBytes(text));
        Assert.True(chars <= (long)MaxWorkPerUnit * text.Length, $"{family} \"{unit}\": {chars / (double)text.Length:F1} work per char");
        Assert.True(bytes <= (long)MaxWorkPerUnit * text.Length, $"{family} \"{unit}\": {bytes / (double)text.Length:F1} work per byte");
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Scanning_work_grows_no_faster_than_the_value(string family, string unit)
    {
        // Sixteen times the text may cost sixteen times the work (and a little for the ends), never more.
        var small = Work(Repeat(unit, 64 * 1024).AsSpan());
        var large = Work(Repeat(unit, MiB).AsSpan());
        Assert.True(large <= (small * 16 * 1.1) + 1024, $"{family} \"{unit}\": 64 KiB took {small}, 1 MiB took {large}");
    }

    [Fact]
    public void A_1_MiB_record_of_each_family_is_masked_within_the_default_budget()
    {
        var masker = new Masker();
        foreach (var group in Units.GroupBy(row => (string)row[0]))
        {
            foreach (var row in group)
            {
                var json = Record((string)row[1], MiB);
                var masked = masker.Mask(json);
                Assert.DoesNotContain(MaskTypeNames.BudgetMarker, masked, StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, masker.Statistics.ValuesRedactedOverBudget);
    }

    [Fact]
    public void A_value_whose_scan_passes_the_budget_is_redacted_whole_and_the_record_goes_on()
    {
        var statistics = new EnrichmentStatistics();
        var reported = new List<string>();
        statistics.ValueOverBudget += reported.Add;
        var enricher = new PiiMaskingEnricher(new MaskingOptions(), statistics) { ScanWorkPerUnit = 0 };
        var value = Repeat("jane@example.com a@", 64 * 1024);
        var json = "{\"@timestamp\":\"2026-12-07T01:00:00Z\",\"message\":\"" + value + "\",\"user\":\"jane@example.com\"}";
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;

        enricher.Enrich(record);

        Assert.Equal(MaskTypeNames.BudgetMarker, record.Root.Get("message")!.AsString());
        Assert.Equal("2026-12-07T01:00:00Z", record.Root.Get("@timestamp")!.AsString());
        Assert.Equal("[email]", record.Root.Get("user")!.AsString());
        Assert.Equal(1, statistics.ValuesRedactedOverBudget);
        Assert.Equal(["masking"], reported);
        Assert.Equal(0, statistics.EnricherFailures.Total);
    }

    [Fact]
    public void An_escaped_value_over_the_budget_is_redacted_whole_too()
    {
        var statistics = new EnrichmentStatistics();
        var enricher = new PiiMaskingEnricher(new MaskingOptions(), statistics) { ScanWorkPerUnit = 0 };
        var json = "{\"message\":\"" + Repeat("a@\\n", 64 * 1024) + "\"}";
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;

        enricher.Enrich(record);

        Assert.Equal(MaskTypeNames.BudgetMarker, record.Root.Get("message")!.AsString());
        Assert.Equal(1, statistics.ValuesRedactedOverBudget);
    }

    [Fact]
    public void With_keyed_tokens_a_value_over_the_budget_still_gets_the_budget_marker()
    {
        var statistics = new EnrichmentStatistics();
        var options = new MaskingOptions { HmacKey = "worst-case-test-key-0123456789" };
        var enricher = new PiiMaskingEnricher(options, statistics) { ScanWorkPerUnit = 0 };
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes("{\"message\":\"" + Repeat("a@b.io ", 64 * 1024) + "\"}"), out _)!;

        enricher.Enrich(record);

        Assert.Equal(MaskTypeNames.BudgetMarker, record.Root.Get("message")!.AsString());
    }

    [Fact]
    public void Ordinary_values_never_meet_the_budget()
    {
        var masker = new Masker();
        Assert.Equal("mail [email] or call [phone], card [card]",
            masker.MaskValue("mail jane@example.com or call +1 415-555-0132, card 4111 1111 1111 1111"));
        Assert.Equal(0, masker.Statistics.ValuesRedactedOverBudget);
    }

    [Fact]
    public void Encoded_addresses_in_a_long_run_are_masked_from_the_start_of_the_run()
    {
        // One run of local-part characters (the '%' and digits of "%40" are some): the first candidate takes it.
        Assert.Equal("..[email]%40x", Masker.Text("..a.b%40ex.com%40x"));
        Assert.Equal("[email]", Masker.Text(new string('a', 300) + "%40example.com"));
    }

    [Fact]
    public void An_already_masked_value_after_a_secret_key_stays_as_it_is()
    {
        Assert.Equal("password=[redacted] user=bob", Masker.Text("password=[redacted] user=bob"));
        Assert.Equal("password=[redacted] password=[redacted]", Masker.Text("password=[ a password=[ a"));
    }

    [Fact]
    public void Url_passwords_are_found_after_many_at_signs_that_are_not_urls()
    {
        var noise = Repeat("a@", 4096);
        Assert.Equal(noise + " postgres://user:[password]@db/x", Masker.Text(noise + " postgres://user:s3cret@db/x"));
        Assert.Equal("http://u:[password]@h/", Masker.Text("http://u:p@a@b@h/"));
    }

    [Fact]
    public void An_object_with_very_many_keys_is_masked_key_by_key()
    {
        // Key rules cost a few comparisons per name (from its end), and names repeat through a fixed-size cache:
        // 100,000 keys in one 2 MiB record are as many decisions, each on its own name.
        const int count = 100_000;
        var json = new StringBuilder("{");
        for (var i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(i % 2 == 0 ? $"\"k{i}_password\":\"s{i}\"" : $"\"k{i}_note\":\"n{i}\"");
        }

        var masker = new Masker();
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json.Append('}').ToString()), out var rejection, maxBytes: 4 * MiB)
            ?? throw new InvalidOperationException(rejection!.Reason);
        masker.Enricher.Enrich(record);

        Assert.Equal("[redacted]", record.Root.Get("k0_password")!.AsString());
        Assert.Equal("n99999", record.Root.Get("k99999_note")!.AsString());
        Assert.Equal(count / 2, masker.Statistics.Masks.Snapshot().Single(kv => kv.Key == "key").Value);
    }

    [Fact]
    public void A_key_name_of_a_megabyte_is_judged_from_its_end()
    {
        var name = new string('x', MiB - 100) + "_password";
        Assert.Equal("{\"" + name + "\":\"[redacted]\"}", Masker.Json("{\"" + name + "\":\"hunter2\"}"));
        Assert.Equal(KeyFlags.None, Keys.Evaluate(new string('_', MiB).AsSpan()));
    }

    private static long Work<T>(ReadOnlySpan<T> s)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var state = new ScanState(MaskPatterns.All, Keys, long.MaxValue);
        var pos = 0;
        while (ValueScanner.TryFindNext(s, pos, ref state, out var match))
        {
            pos = match.End;
        }

        return state.Work;
    }

    private static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length + unit.Length <= length)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }

    // A record of as many JSON bytes as MaxRecordBytes allows (or a unit fewer).
    private static string Record(string unit, int bytes)
    {
        var encoded = System.Text.Json.JsonEncodedText.Encode(unit, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        // Counted in UTF-8 bytes: a unit with non-ASCII text takes more bytes than chars.
        var count = (bytes - 16) / Encoding.UTF8.GetByteCount(encoded);
        return "{\"message\":\"" + string.Concat(Enumerable.Repeat(encoded, count)) + "\"}";
    }
}
