using System.Net;
using Enrichers.Geo;
using LogPipeline.Demo.Geo;
using MaxMind.Db;

namespace Enrichers.Tests.Geo;

/// <summary>The lookup path (search-tree walk from the IPv4 table, the interleaved City + ASN walk, the records
/// kept by offset, verification once per record) against MaxMind's own <see cref="Reader"/>: for addresses in,
/// at the edges of and around every network, and for random addresses, every answer must be the one MaxMind's
/// reader gives, whether the record was decoded just now or came from the record cache.</summary>
public sealed class GeoLookupConformanceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lp-geolookup-tests", Guid.NewGuid().ToString("N"));

    public GeoLookupConformanceTests() => Directory.CreateDirectory(_directory);

    [SharedGeoIpTheory]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void City_answers_match_MaxMinds_reader_in_and_around_every_network_and_at_random(string file)
    {
        var path = SharedGeoIpData.PathOf(file);
        using var reader = new Reader(path);
        var database = GeoDatabase.Open("city", path, "City");
        try
        {
            foreach (var address in Probes(reader, seed: 7))
            {
                var expected = Describe(reader.Find<GeoCityRecord>(address));
                Assert.Equal(expected, Describe(database.Find<GeoCityRecord>(address)));
                Assert.Equal(expected, Describe(database.Find<GeoCityRecord>(address)));
            }
        }
        finally
        {
            database.Release();
        }
    }

    [SharedGeoIpFact]
    public void City_and_ASN_walked_together_find_what_each_finds_alone()
    {
        var cityPath = SharedGeoIpData.PathOf("GeoIP2-City-Test.mmdb");
        var asnPath = SharedGeoIpData.PathOf("GeoLite2-ASN-Test.mmdb");
        using var cityReader = new Reader(cityPath);
        using var asnReader = new Reader(asnPath);
        var city = GeoDatabase.Open("city", cityPath, "City");
        var asn = GeoDatabase.Open("asn", asnPath, "GeoLite2-ASN");
        try
        {
            Span<byte> bytes = stackalloc byte[16];
            foreach (var address in Probes(cityReader, seed: 11).Concat(Probes(asnReader, seed: 13)))
            {
                address.TryWriteBytes(bytes, out var length);
                GeoDatabase.LookupBoth(city, asn, bytes[..length], out var cityOffset, out var asnOffset);

                Assert.Equal(city.Lookup(bytes[..length]), cityOffset);
                Assert.Equal(asn.Lookup(bytes[..length]), asnOffset);
                Assert.Equal(Describe(cityReader.Find<GeoCityRecord>(address)), Describe(city.Decode<GeoCityRecord>(cityOffset, ClientAddress.From(address))));
                Assert.Equal(Describe(asnReader.Find<GeoAsnRecord>(address)), Describe(asn.Decode<GeoAsnRecord>(asnOffset, ClientAddress.From(address))));
            }
        }
        finally
        {
            city.Release();
            asn.Release();
        }
    }

    [Theory]
    [InlineData(24, 16)]
    [InlineData(28, 20)]
    [InlineData(32, 20)]
    [InlineData(24, 22)]
    public void Random_networks_across_the_IPv4_table_depth_are_found_as_MaxMinds_reader_finds_them(int recordSize, int tableBits)
    {
        // Networks of 6 to 32 bits with a distinct record each, so equal answers mean the same record.
        var random = new Random(recordSize * 100 + tableBits);
        var writer = new MaxMindDatabaseWriter("Test") { RecordSize = recordSize };
        for (var i = 0; i < 400; i++)
        {
            var prefix = random.Next(6, 33);
            var value = (uint)random.NextInt64(0, 1L << 32) & (prefix == 32 ? uint.MaxValue : ~(uint.MaxValue >> prefix));
            var bytes4 = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes4, value);
            var network = new IPAddress(bytes4);
            writer.Insert(network, prefix, new Dictionary<string, object> { ["n"] = $"net{i}", ["p"] = (uint)prefix });
        }

        var path = Path.Combine(_directory, $"random-{recordSize}-{tableBits}.mmdb");
        var bytes = writer.ToArray();
        File.WriteAllBytes(path, bytes);
        var verified = MaxMindDatabaseVerifier.Open(bytes);
        var tree = new MaxMindSearchTree(bytes, verified.NodeCount, verified.RecordSize, verified.IpVersion,
            verified.DataStart + verified.DataSize, tableBits);
        using var reader = new Reader(path);
        var database = GeoDatabase.Open("test", path, "Test");
        try
        {
            foreach (var address in Probes(reader, seed: recordSize + tableBits))
            {
                var expected = reader.Find<Dictionary<string, object>>(address);
                var found = database.Find<Dictionary<string, object>>(address);
                Assert.Equal(expected?["n"], found?["n"]);
                if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    Assert.Equal(database.Lookup(address.GetAddressBytes()), tree.Lookup(bytes, address.GetAddressBytes()));
                }
            }
        }
        finally
        {
            database.Release();
        }
    }

    [Fact]
    public void The_records_verified_when_a_database_is_opened_are_not_verified_again_when_first_met()
    {
        var bytes = TwoRecordsSharingAPlace();

        // A small file is checked whole: both records come out verified.
        var tree = MaxMindDatabaseVerifier.Open(bytes, out var verified);
        var first = tree.Find(bytes, [1, 2, 3, 4]);
        var second = tree.Find(bytes, [5, 6, 7, 8]);
        Assert.True(verified.Contains(first));
        Assert.True(verified.Contains(second));

        // So damage made after the check (a file is immutable while open; here it shows that nothing is walked again)
        // is not looked for by the first decode, while a set of nothing verified finds it.
        BreakTheSecondRecordsDouble(bytes);
        var data = bytes.AsSpan(tree.DataStart, tree.DataSize).ToArray();
        MaxMindDatabaseVerifier.VerifyRecord(data, second, verified);
        Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.VerifyRecord(data, second, new VerifiedOffsets(tree.DataSize)));
    }

    [Fact]
    public void A_corrupt_record_is_refused_even_when_the_data_it_shares_was_verified_before()
    {
        // Two records point to one shared map; the second one's own double is broken.
        var bytes = TwoRecordsSharingAPlace();
        var tree = MaxMindDatabaseVerifier.Open(bytes);
        BreakTheSecondRecordsDouble(bytes);
        var data = bytes.AsSpan(tree.DataStart, tree.DataSize).ToArray();
        var verified = new VerifiedOffsets(tree.DataSize);
        var sound = tree.Find(bytes, [1, 2, 3, 4]);
        var broken = tree.Find(bytes, [5, 6, 7, 8]);

        MaxMindDatabaseVerifier.VerifyRecord(data, sound, verified);
        var error = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.VerifyRecord(data, broken, verified));

        Assert.Contains("double", error.Message);
        Assert.True(verified.Contains(sound));
        Assert.False(verified.Contains(broken));
        Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.VerifyRecord(data, broken, verified));
    }

    [SharedGeoIpTheory]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    [InlineData("GeoLite2-ASN-Test.mmdb")]
    public void Every_record_of_MaxMinds_test_databases_is_read_directly_as_MaxMinds_reader_decodes_it(string file)
    {
        var path = SharedGeoIpData.PathOf(file);
        var bytes = File.ReadAllBytes(path);
        var tree = MaxMindDatabaseVerifier.Open(bytes);
        var data = bytes.AsSpan(tree.DataStart, tree.DataSize);
        using var reader = new Reader(path);
        var records = 0;

        // Twice over every network: without and with the places and strings kept from earlier records.
        var shared = new DecodedValues();
        foreach (var sharing in new[] { null, shared, shared })
        {
            foreach (var node in reader.FindAll<Dictionary<string, object>>())
            {
                var offset = tree.Find(bytes, node.Start.GetAddressBytes());
                if (file.Contains("ASN", StringComparison.Ordinal))
                {
                    Assert.True(MaxMindRecordReader.TryReadAsn(data, offset, sharing, out var asn));
                    Assert.Equal(Describe(reader.Find<GeoAsnRecord>(node.Start)), Describe(asn));
                }
                else
                {
                    Assert.True(MaxMindRecordReader.TryReadCity(data, offset, sharing, out var city));
                    Assert.Equal(Describe(reader.Find<GeoCityRecord>(node.Start)), Describe(city));
                }

                records++;
            }
        }

        Assert.True(records > 100, $"only {records} networks");
    }

    [Theory]
    [InlineData("float latitude")]
    [InlineData("numeric city")]
    [InlineData("map subdivisions")]
    [InlineData("uint16 ASN number")]
    public void A_record_of_another_shape_is_left_to_MaxMinds_reader_whose_answer_or_error_stands(string shape)
    {
        var record = shape switch
        {
            "float latitude" => new Dictionary<string, object>
            {
                ["location"] = new Dictionary<string, object> { ["latitude"] = 48.5f, ["longitude"] = 2.25, ["time_zone"] = "Europe/Paris" },
                ["country"] = new Dictionary<string, object> { ["iso_code"] = "FR" },
            },
            "numeric city" => new Dictionary<string, object> { ["city"] = 7u, ["country"] = new Dictionary<string, object> { ["iso_code"] = "FR" } },
            "map subdivisions" => new Dictionary<string, object> { ["subdivisions"] = new Dictionary<string, object> { ["iso_code"] = "IDF" } },
            _ => new Dictionary<string, object> { ["autonomous_system_number"] = (ushort)64512, ["autonomous_system_organization"] = "Example" },
        };
        var asn = shape.Contains("ASN", StringComparison.Ordinal);
        var writer = new MaxMindDatabaseWriter(asn ? "GeoLite2-ASN" : "GeoIP2-City");
        writer.Insert("1.2.3.0/24", record);
        var path = Path.Combine(_directory, "shape.mmdb");
        var bytes = writer.ToArray();
        File.WriteAllBytes(path, bytes);
        var tree = MaxMindDatabaseVerifier.Open(bytes);
        var data = bytes.AsSpan(tree.DataStart, tree.DataSize);
        var offset = tree.Find(bytes, [1, 2, 3, 4]);
        var address = IPAddress.Parse("1.2.3.4");
        var shared = new DecodedValues();
        using var reader = new Reader(path);
        var database = GeoDatabase.Open("test", path, asn ? "ASN" : "City");
        try
        {
            if (asn)
            {
                Assert.False(MaxMindRecordReader.TryReadAsn(data, offset, shared, out _));
                Assert.Equal(Outcome(() => Describe(reader.Find<GeoAsnRecord>(address))), Outcome(() => Describe(database.Find<GeoAsnRecord>(address))));
            }
            else
            {
                Assert.False(MaxMindRecordReader.TryReadCity(data, offset, shared, out _));
                Assert.Equal(Outcome(() => Describe(reader.Find<GeoCityRecord>(address))), Outcome(() => Describe(database.Find<GeoCityRecord>(address))));
            }
        }
        finally
        {
            database.Release();
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The answer, or the kind of error.</summary>
    private static string? Outcome(Func<string?> lookup)
    {
        try
        {
            return lookup();
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    /// <summary>For every network: its first and last address, one inside and the two just outside; then random
    /// IPv4 and IPv6 addresses.</summary>
    private static IEnumerable<IPAddress> Probes(Reader reader, int seed)
    {
        var random = new Random(seed);
        foreach (var node in reader.FindAll<Dictionary<string, object>>())
        {
            var bytes = node.Start.GetAddressBytes();
            var bits = bytes.Length * 8;
            var first = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            var size = System.Numerics.BigInteger.One << (bits - node.PrefixLength);
            var max = (System.Numerics.BigInteger.One << bits) - 1;
            foreach (var value in new[] { first, first + size - 1, first + size / 2, first - 1, first + size })
            {
                if (value >= 0 && value <= max)
                {
                    yield return new IPAddress(ToBytes(value, bytes.Length));
                }
            }
        }

        var v4 = new byte[4];
        var v6 = new byte[16];
        for (var i = 0; i < 5_000; i++)
        {
            random.NextBytes(v4);
            yield return new IPAddress(v4);
            random.NextBytes(v6);
            yield return new IPAddress(v6);
        }
    }

    private static byte[] ToBytes(System.Numerics.BigInteger value, int length)
    {
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[length];
        raw.CopyTo(bytes, length - raw.Length);
        return bytes;
    }

    private static string? Describe(GeoCityRecord? r) => r is null
        ? null
        : string.Join('|', r.CountryIsoCode, r.CountryName, r.CityName, r.RegionIsoCode, r.ContinentCode, r.TimeZone, r.Latitude, r.Longitude);

    private static string? Describe(GeoAsnRecord? r) => r is null ? null : $"{r.Number}|{r.OrganizationName}";

    /// <summary>A database of 1.2.3.0/24 and 5.6.7.0/24, whose records point to one shared map and have a double of
    /// their own each.</summary>
    private static byte[] TwoRecordsSharingAPlace()
    {
        var writer = new MaxMindDatabaseWriter("Test");
        var shared = new Dictionary<string, object> { ["name"] = "shared place" };
        writer.Insert("1.2.3.0/24", new Dictionary<string, object> { ["place"] = shared, ["a"] = 1.0 });
        writer.Insert("5.6.7.0/24", new Dictionary<string, object> { ["place"] = shared, ["d"] = 2.0 });
        return writer.ToArray();
    }

    /// <summary>Gives the double of 5.6.7.0/24's record (key "d") a size of 5.</summary>
    private static void BreakTheSecondRecordsDouble(byte[] bytes) => bytes[bytes.AsSpan().IndexOf(new byte[] { 0x41, 0x64, 0x68 }) + 2] = 0x65;
}
