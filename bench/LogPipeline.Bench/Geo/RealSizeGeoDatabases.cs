using System.Diagnostics;
using System.Globalization;
using System.Net;
using Enrichers.Geo;
using LogPipeline.Demo.Geo;

namespace LogPipeline.Bench.Geo;

/// <summary>City and ASN databases of GeoLite2's size and shape, built by the benchmarks themselves with the
/// project's <see cref="MaxMindDatabaseWriter"/>, so a production-like GeoIP cost can be measured offline and
/// without MaxMind's licence. The City database has about 3 million networks (IPv4 blocks of /16 to /29 over the
/// public space, some left out, and IPv6 /32 to /48 blocks), about 100,000 location records with country,
/// continent, subdivisions, city, postal code, location and registered country, and names in the eight locales
/// MaxMind ships; values that repeat (a country with its names) are stored once and pointed to, as in MaxMind's
/// files. The ASN database has about 70,000 organisations over half a million networks. Invented data: not
/// geolocation. Files are cached in the temporary folder by <see cref="Version"/> and seed.</summary>
internal static class RealSizeGeoDatabases
{
    /// <summary>Changes whenever the generated content changes, so a cached file is never stale.</summary>
    public const int Version = 1;

    public const string CityDatabaseType = "LogPipeline-Bench-City";
    public const string AsnDatabaseType = "LogPipeline-Bench-GeoLite2-ASN";

    private static readonly string[] Locales = ["de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"];
    private static readonly string[] Continents = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"];

    /// <summary>The paths of the City and ASN databases for <paramref name="seed"/>, built first if absent.</summary>
    public static (string City, string Asn) Ensure(int seed = 42)
    {
        var directory = Path.Combine(Path.GetTempPath(), "logpipeline-bench-geoip");
        Directory.CreateDirectory(directory);
        var city = Path.Combine(directory, $"real-size-city-v{Version}-{seed}.mmdb");
        var asn = Path.Combine(directory, $"real-size-asn-v{Version}-{seed}.mmdb");
        if (!File.Exists(city))
        {
            Write(BuildCity(seed), city);
        }

        if (!File.Exists(asn))
        {
            Write(BuildAsn(seed), asn);
        }

        return (city, asn);
    }

    public static MaxMindDatabaseWriter BuildCity(int seed, int locations = 100_000)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var writer = NewWriter(CityDatabaseType);
        foreach (var locale in Locales.Where(l => l != "en"))
        {
            writer.Languages.Add(locale);
        }

        var countries = Enumerable.Range(0, 250).Select(i => Country(i, random)).ToArray();
        var records = new int[locations];
        for (var i = 0; i < locations; i++)
        {
            // Big countries have many more places than small ones.
            var country = countries[Skewed(random, countries.Length)];
            records[i] = writer.AddRecord(Location(i, country, random));
        }

        // Every network points at a location; popular locations (capitals, big ISPs' default places) at many.
        var networks = InsertNetworks(writer, random, 2_700_000, 16, 29, () => records[Skewed(random, records.Length)]);
        networks += InsertIPv6(writer, random, 150_000, () => records[Skewed(random, records.Length)]);
        Console.Error.WriteLine($"real-size GeoIP: city database, {networks:N0} networks, {locations:N0} locations, built in {clock.Elapsed.TotalSeconds:F1} s");
        return writer;
    }

    public static MaxMindDatabaseWriter BuildAsn(int seed, int organisations = 70_000)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed + 1);
        var writer = NewWriter(AsnDatabaseType);
        var records = new int[organisations];
        for (var i = 0; i < organisations; i++)
        {
            records[i] = writer.AddRecord(new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["autonomous_system_number"] = (uint)(1000 + i * 3),
                ["autonomous_system_organization"] = $"{Word(random, 2)} {Word(random, 3)} {(random.Next(3) == 0 ? "Telecom" : "Networks")} {(random.Next(2) == 0 ? "Ltd" : "Inc.")}",
            });
        }

        var networks = InsertNetworks(writer, random, 450_000, 13, 24, () => records[Skewed(random, records.Length)]);
        networks += InsertIPv6(writer, random, 30_000, () => records[Skewed(random, records.Length)]);
        Console.Error.WriteLine($"real-size GeoIP: ASN database, {networks:N0} networks, {organisations:N0} organisations, built in {clock.Elapsed.TotalSeconds:F1} s");
        return writer;
    }

    /// <summary>Public IPv4 space cut into consecutive blocks of <paramref name="shortest"/> to
    /// <paramref name="longest"/> bits, about <paramref name="count"/> of them; about one block in ten is left out
    /// (addresses in no network).</summary>
    private static int InsertNetworks(MaxMindDatabaseWriter writer, Random random, int count, int shortest, int longest, Func<int> record)
    {
        // The block size that spreads `count` networks over the public space: ~3.7e9 addresses.
        var meanBits = Math.Log2(3.7e9 / count);
        var inserted = 0;
        var address = 1UL << 24;
        while (address < 224UL << 24)
        {
            var bits = (int)Math.Clamp(Math.Round(meanBits + Normal(random) * 2.5), 32 - longest, 32 - shortest);

            // A block starts at a multiple of its size.
            while (address % (1UL << bits) != 0)
            {
                bits--;
            }

            if (!IsPrivate((uint)address) && random.Next(10) != 0)
            {
                writer.InsertRecord(new IPAddress(BigEndian((uint)address)), 32 - bits, record());
                inserted++;
            }

            address += 1UL << bits;
        }

        return inserted;
    }

    /// <summary>IPv6 networks of /32 to /48 inside a few thousand registry allocations (/24), as addresses
    /// are handed out.</summary>
    private static int InsertIPv6(MaxMindDatabaseWriter writer, Random random, int count, Func<int> record)
    {
        var allocations = Enumerable.Range(0, 4000).Select(_ => (First: (byte)(0x20 + random.Next(0x0C)), Second: (byte)random.Next(256),
            Third: (byte)random.Next(256))).ToArray();
        var bytes = new byte[16];
        for (var i = 0; i < count; i++)
        {
            var allocation = allocations[random.Next(allocations.Length)];
            bytes[0] = allocation.First;
            bytes[1] = allocation.Second;
            bytes[2] = allocation.Third;
            random.NextBytes(bytes.AsSpan(3, 3));
            bytes.AsSpan(6).Clear();
            var prefix = random.Next(4) switch { 0 => 32, 1 => 36, 2 => 44, _ => 48 };
            for (var bit = prefix; bit < 48; bit++)
            {
                bytes[bit >> 3] &= (byte)~(0x80 >> (bit & 7));
            }

            writer.InsertRecord(new IPAddress(bytes), prefix, record());
        }

        return count;
    }

    private static Dictionary<string, object> Country(int index, Random random)
    {
        var iso = $"{(char)('A' + index / 26 % 26)}{(char)('A' + index % 26)}";
        var continent = Continents[random.Next(Continents.Length)];
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["continent"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["code"] = continent,
                ["geoname_id"] = (uint)(6_255_140 + Array.IndexOf(Continents, continent)),
                ["names"] = Names($"Continent {continent}", random),
            },
            ["country"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["geoname_id"] = (uint)(1_000_000 + index),
                ["iso_code"] = iso,
                ["names"] = Names($"{Word(random, 3)}{Word(random, 2)}ia", random),
            },
            ["time_zones"] = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => $"{ContinentName(continent)}/{Word(random, 3)}").ToArray(),
            ["subdivisions"] = Enumerable.Range(0, 14).Select(s => new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["geoname_id"] = (uint)(2_000_000 + index * 100 + s),
                ["iso_code"] = s.ToString("X2", CultureInfo.InvariantCulture),
                ["names"] = Names($"{Word(random, 2)}{Word(random, 3)} Province", random),
            }).ToArray(),
        };
    }

    private static Dictionary<string, object> Location(int index, Dictionary<string, object> country, Random random)
    {
        var subdivisions = (Dictionary<string, object>[])country["subdivisions"];
        var zones = (string[])country["time_zones"];
        var record = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["continent"] = country["continent"],
            ["country"] = country["country"],
            ["registered_country"] = country["country"],
            ["location"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["accuracy_radius"] = (ushort)(random.Next(4) switch { 0 => 5, 1 => 20, 2 => 100, _ => 500 }),
                ["latitude"] = Math.Round(random.NextDouble() * 140 - 60, 4),
                ["longitude"] = Math.Round(random.NextDouble() * 360 - 180, 4),
                ["time_zone"] = zones[random.Next(zones.Length)],
            },
        };

        // As in GeoLite2: most records name a city and a subdivision, some only a country.
        if (random.Next(10) != 0)
        {
            record["city"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["geoname_id"] = (uint)(3_000_000 + index),
                ["names"] = Names($"{Word(random, 2)}{Word(random, 3)}{(random.Next(3) == 0 ? " City" : "burg")}", random),
            };
            record["postal"] = new Dictionary<string, object> { ["code"] = random.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture) };
            record["subdivisions"] = random.Next(5) == 0
                ? new object[] { subdivisions[random.Next(subdivisions.Length)], subdivisions[random.Next(subdivisions.Length)] }
                : new object[] { subdivisions[random.Next(subdivisions.Length)] };
        }

        return record;
    }

    /// <summary>Names in the eight locales, as MaxMind gives them: English always, the others mostly.</summary>
    private static Dictionary<string, object> Names(string english, Random random)
    {
        var names = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var locale in Locales)
        {
            if (locale == "en")
            {
                names[locale] = english;
            }
            else if (random.Next(4) != 0)
            {
                names[locale] = locale switch
                {
                    "ja" => $"{english}（日本語）",
                    "ru" => $"{english} (русский)",
                    "zh-CN" => $"{english}（中文）",
                    _ => $"{english} ({locale})",
                };
            }
        }

        return names;
    }

    private static string ContinentName(string code) => code switch
    {
        "AF" => "Africa",
        "AN" => "Antarctica",
        "AS" => "Asia",
        "EU" => "Europe",
        "NA" => "America",
        "OC" => "Pacific",
        _ => "America",
    };

    private static string Word(Random random, int syllables)
    {
        const string consonants = "bcdfghklmnprstvz";
        const string vowels = "aeiou";
        var chars = new char[syllables * 2];
        for (var i = 0; i < syllables; i++)
        {
            chars[2 * i] = consonants[random.Next(consonants.Length)];
            chars[2 * i + 1] = vowels[random.Next(vowels.Length)];
        }

        chars[0] = char.ToUpperInvariant(chars[0]);
        return new string(chars);
    }

    /// <summary>An index below <paramref name="count"/>, small ones much more often (about Zipf's law).</summary>
    private static int Skewed(Random random, int count) =>
        Math.Min(count - 1, (int)(Math.Pow(count + 1, random.NextDouble()) - 1));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static bool IsPrivate(uint address) => (address >> 24) is 10 or 127 or 0
        || (address >> 20) == (172 << 4 | 1) || (address >> 16) == (192 << 8 | 168) || (address >> 22) == (100 << 2 | 1);

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static MaxMindDatabaseWriter NewWriter(string type)
    {
        var writer = new MaxMindDatabaseWriter(type) { BuildTime = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero) };
        writer.Description["en"] = "LogPipeline benchmark data of real size, not real geolocation";
        return writer;
    }

    private static void Write(MaxMindDatabaseWriter writer, string path)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = File.Create(temporary))
        {
            writer.WriteTo(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
