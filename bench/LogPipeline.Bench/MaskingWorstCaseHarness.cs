using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Enrichers;
using Enrichers.Json;
using Enrichers.Masking;
using static LogPipeline.Bench.HarnessArguments;

namespace LogPipeline.Bench;

/// <summary><c>masking-worst-case</c>: masking throughput on crafted values, the inputs an attacker who controls
/// one logged field would choose. For each detector family, values made of one pathological repetition of its
/// trigger characters or near-misses, from 1 KiB up to the default <c>MaxRecordBytes</c> (1 MiB), each as the
/// <c>message</c> of one record, masked on one thread. Reports MB/s (10^6 bytes of value per CPU-second) per
/// family — the slowest of its patterns — and the ratio of its MB/s at the smallest and the largest size: a
/// detector linear in its input keeps that ratio near 1, a quadratic one loses a factor of 10 per factor of 10.
/// Uses only the enricher's public API, so the same file builds against older code for a before/after run.
/// Options: <c>--sizes 1024,10240,...</c>, <c>--cap SECONDS</c> (a pattern is not
/// run at a larger size if, growing with the square of the size, it would take longer than this; default 30),
/// <c>--family NAME</c>, <c>--verbose</c> (every pattern).</summary>
public sealed class MaskingWorstCaseHarness : IHarness
{
    private const string BudgetMarker = "[redacted:budget]";

    // Family → repeated units. Triggers (the characters a detector anchors on) and near-misses (a candidate that
    // almost validates, so the detector does the most work before it gives up).
    private static readonly (string Family, string[] Units)[] Families =
    [
        ("email", ["a@", "a.a@a.a", "1@2.", "@", "a%40", "a.a%40a.", "x@a.a-", ".@.", "a@\n", "o'n@", "\"a\"@", "\" @", "a@b.xn--", "\\u0061@", "a%40%C3%BC.", "a@\u00e9.", "a'"]),
        ("url_password", ["http://a:b@", "a://", "://a@", "s://u:p", "a:/@", "x://a@b@", "x://a:", "http://a:b@c/d@", "http://a:b@c/", "@c/d", "http://a:1/b@c:", "http://a:1/b@", "b@c:1"]),
        ("phone", ["+1", "+1 ", "+12 345 ", "(123)", "(415) 555-", "123-", "1 ", "415.555.", "1-800-", "+44\u00a020\u00a0", "415\u00a0555\u00a0", "%2B1", "latency 832 753 5866 ", "832 753 5866 ms ", "caller_id=1234567 ", "phone 1 ", "a b c 1234567 "]),
        ("card", ["4111 ", "2222-", "4111111111111112 ", "1234567890123 ", "4111 1111 1111 111 ", "5", "4111+", "4111%20", "4111.1111.", "card 1234 "]),
        ("ssn", ["123-45-", "123-45-678 ", "1-", "123 45 ", "078 05 1120 ", "ssn=12345678 "]),
        ("iban", ["DE89 ", "AB12", "GB82 WEST ", "DE89370400440532013001 ", "DE", "de89 ", "de89-", "be", "DE89-3704-"]),
        ("national_id", ["2345 6789 ", "AB 12 ", "ABCPE1", "PAN: ABCPE1234F ", "aadhaar: 234567890123 ", "AB1", "AB 12 34 56 "]),
        ("ip", ["1.2.", "1.2.3.4.", "81.2.69.", "2001:", "2001:db8:", "2001:db8::1:", "255.255.255.255 ", ":", "agent/1.2.3.4 ", "Version=1.2.3.4 ", "a/1.", "build 1.2.3.4 "]),
        ("date", ["2026-11-26T", "2026-11-26T12:00:00.", "2026-"]),
        ("jwt", ["eyJ", "eyJ.", "eyJaaaaaaaaaa.", "eyJaaaaaaaaaa.a ", "eyJhbGciOiJIUzI1NiJ9.e"]),
        ("api_key", ["AKIA", "AIza", "sk-", "sk-a ", "sk_live_", "xoxb-", "ghp_", "github_pat_", "_", "xoxb-a "]),
        ("bearer", ["Bearer ", "Bearer abc ", "Basic ", "bearer\t", "Basic a.Basic "]),
        ("private_key", ["-----BEGIN ", "-----BEGIN X-----", "-----", "-----BEGIN PRIVATE"]),
        ("key", ["password=", "a=", "a:", "password=[", "password=[ a ", "token: ", "\"password\":\"\"", "=", "Authorization: Bearer ", "password: a b ", "x=y "]),
        ("vendor_token", ["sk-", "hf_", "glpat-", "SG.", "ya29.", "hooks.slack.com/services/", "key-", "a-", "a.", "a_", "-", ".", "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "xghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dapi", "SK0", "LS0tLS1CRUdJTi", "ATATT", "AKIAAAAAAAAAAAAAAAAA a/", "dop_v1_"]),
        ("password_hash", ["$", "$2b$", "$2b$12$", "$argon2id$v=19$", "a$", "pbkdf2_sha256$", "$$", "$1$a"]),
        ("password_phrase", ["password ", "password is ", "PASSWORD '", "w", "W", "pwd is a ", "IDENTIFIED BY '", " BY '", "'", "password is set to ", "\"", "`", "IDENTIFIED BY \"", " BY `", "by \"a\" "]),
        ("command_line", [" -p", " -pa", "mysql -px ", "curl -u a:b ", " --user ", " -u ", "sshpass -p a "]),
        ("xml", ["<password>", "<a>", "password>", "<password><", "<password><![CDATA[", "<password a=\"b\">", "<password a=", "<a b=\"c\">", "<password ", "a>", "<password/>"]),
        ("pair", ["name=password ", "\"name\":\"token\",\"value\":", "value=", "name: x_token\n", "\\u0022password\\u0022:\\u0022", "\\u0022", "\\\"password\\\":\\\"", "Password = ", "a = ", "Cookie: a=1; ", "Authorization: Digest a=", "password=a,", "password=a>", "pwd={", "password=\"a\"\"", "?code=", "name=\"password\"\n\n", "name=\"password\"\r\nContent-Type: a\r\n", "name=\"password\"\nA:", "password=true ", "sig=SIGTERM "]),
        ("json_text", ["{\"a\":\"b\"}", "\\\"", "\"a@b\":", "[1,2,3]"]),
    ];

    public string Name => "masking-worst-case";

    public string Description => "masking MB/s on crafted worst-case values, 1 KiB to 1 MiB, per detector family [--sizes --cap --family --verbose]";

    public Task<int> RunAsync(string[] args)
    {
        var sizes = StringArg(args, "--sizes") is { } list
            ? list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [1024, 10 * 1024, 100 * 1024, 1024 * 1024];
        var cap = TimeSpan.FromSeconds(StringArg(args, "--cap") is { } c ? double.Parse(c, CultureInfo.InvariantCulture) : 30);
        var only = StringArg(args, "--family");
        var verbose = args.Contains("--verbose");
        var statistics = new EnrichmentStatistics();
        var masking = new PiiMaskingEnricher(new MaskingOptions(), statistics);

        // Warm-up, so the measured code is the optimized tier.
        foreach (var (_, units) in Families)
        {
            foreach (var unit in units)
            {
                Run(masking, Record(unit, 4096), TimeSpan.FromMilliseconds(20), out _);
            }
        }

        Console.WriteLine($"masking-worst-case: MB/s (10^6 value bytes per CPU-second, one thread), slowest pattern of each family; " +
            $"'>cap' = not run: at the square of the size it would take over {cap.TotalSeconds:F0} s; '*' = redacted whole by the work budget");
        Console.WriteLine($"{"family",-14}" + string.Concat(sizes.Select(s => $"{SizeName(s),12}")) + $"{"first/last",12}  slowest pattern at the largest size");
        foreach (var (family, units) in Families.Where(f => only is null || f.Family == only))
        {
            var worst = new double[sizes.Length];
            var worstUnit = new string[sizes.Length];
            var budget = new bool[sizes.Length];
            Array.Fill(worst, double.MaxValue);
            foreach (var unit in units)
            {
                var line = new StringBuilder($"  {Escape(unit),-26}");
                var tooSlow = false;
                for (var k = 0; k < sizes.Length; k++)
                {
                    if (tooSlow)
                    {
                        worst[k] = 0;
                        worstUnit[k] = unit;
                        line.Append($"{">cap",12}");
                        continue;
                    }

                    var record = Record(unit, sizes[k]);
                    var (seconds, redacted) = Run(masking, record, TimeSpan.FromMilliseconds(200), out var single);
                    var mbs = sizes[k] / seconds / 1e6;
                    budget[k] |= redacted;
                    if (mbs < worst[k])
                    {
                        worst[k] = mbs;
                        worstUnit[k] = unit;
                    }

                    line.Append($"{Format(mbs) + (redacted ? "*" : ""),12}");
                    // Not run when it would take over the cap if the cost grew with the square of the size.
                    tooSlow = k + 1 < sizes.Length && single * Math.Pow(sizes[k + 1] / (double)sizes[k], 2) > cap;
                }

                if (verbose)
                {
                    Console.WriteLine(line);
                }
            }

            var ratio = worst[^1] > 0 ? worst[0] / worst[^1] : double.PositiveInfinity;
            Console.WriteLine($"{family,-14}" + string.Concat(worst.Select((w, k) => $"{(w == 0 ? ">cap" : Format(w) + (budget[k] ? "*" : "")),12}"))
                + $"{(double.IsInfinity(ratio) ? "-" : ratio.ToString("F1", CultureInfo.InvariantCulture)),12}  {Escape(worstUnit[^1])}");
        }

        return Task.FromResult(0);
    }

    /// <summary>A record whose message is <paramref name="unit"/> repeated to <paramref name="bytes"/> bytes of
    /// JSON (the whole record, as <c>MaxRecordBytes</c> counts it).</summary>
    private static byte[] Record(string unit, int bytes)
    {
        var prefix = "{\"message\":\""u8.ToArray();
        var unitJson = JsonEncodedText.Encode(unit, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes.ToArray();
        var body = new List<byte>(bytes);
        body.AddRange(prefix);
        while (body.Count + unitJson.Length + 2 <= bytes)
        {
            body.AddRange(unitJson);
        }

        body.AddRange("\"}"u8.ToArray());
        return body.ToArray();
    }

    /// <summary>CPU seconds per masking of <paramref name="raw"/> (parsing not counted): one record first (its time
    /// is <paramref name="single"/>), then, if that was quick, batches of records parsed beforehand until
    /// <paramref name="target"/> is spent. Also whether the value came out redacted by the work budget.</summary>
    private static (double Seconds, bool Budget) Run(PiiMaskingEnricher masking, byte[] raw, TimeSpan target, out TimeSpan single)
    {
        var (spent, budget) = Batch(masking, raw, 1);
        single = spent;
        var total = TimeSpan.Zero;
        var runs = 0;
        var batch = (int)Math.Clamp(target.Ticks / Math.Max(spent.Ticks, 1) / 4, 1, Math.Max(1, (4 << 20) / raw.Length));
        while (total < target && single < target)
        {
            (spent, budget) = Batch(masking, raw, batch);
            total += spent;
            runs += batch;
        }

        // Process CPU time has a coarse tick: never report an infinite rate.
        return runs == 0 ? (single.TotalSeconds, budget) : (Math.Max(total.TotalSeconds, 1e-6) / runs, budget);
    }

    private static (TimeSpan Spent, bool Budget) Batch(PiiMaskingEnricher masking, byte[] raw, int count)
    {
        var records = new LogRecord[count];
        for (var k = 0; k < count; k++)
        {
            records[k] = LogRecordParser.TryParse(raw, out var rejection) ?? throw new InvalidOperationException(rejection!.Reason);
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var record in records)
        {
            masking.Enrich(record);
        }

        var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (spent, records[0].Root.Get("message")?.AsString() == BudgetMarker);
    }

    private static string Format(double mbs) => mbs >= 100
        ? mbs.ToString("F0", CultureInfo.InvariantCulture)
        : mbs >= 1 ? mbs.ToString("F1", CultureInfo.InvariantCulture) : mbs.ToString("F3", CultureInfo.InvariantCulture);

    private static string SizeName(int bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0
        ? $"{bytes / (1024 * 1024)} MiB"
        : $"{bytes / 1024} KiB";

    private static string Escape(string unit) => JsonSerializer.Serialize(unit);
}
