using System.Net;
using Enrichers.Geo;
using LogPipeline.Demo.Geo;

namespace Enrichers.Tests.Geo;

public sealed class GeoDatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lp-geodb-tests", Guid.NewGuid().ToString("N"));

    public GeoDatabaseTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void Networks_that_share_a_record_share_one_decoded_value()
    {
        var writer = new MaxMindDatabaseWriter("GeoIP2-City");
        var london = DemoGeoDatabases.CityRecord("GB", "United Kingdom", "EU", "London", "ENG", 51.5142, -0.0931, "Europe/London");
        writer.Insert("81.2.69.0/24", london);
        writer.Insert("2.125.160.0/24", london);
        writer.Insert("216.160.83.56/29", DemoGeoDatabases.CityRecord("US", "United States", "NA", "Milton", "WA", 47.2513, -122.3149, "America/Los_Angeles"));
        var database = Open(writer, "City");
        try
        {
            var first = database.Find<GeoCityRecord>(IPAddress.Parse("81.2.69.160"));
            var second = database.Find<GeoCityRecord>(IPAddress.Parse("2.125.160.216"));
            var other = database.Find<GeoCityRecord>(IPAddress.Parse("216.160.83.57"));

            Assert.Same(first, second);
            Assert.Equal("London", first!.CityName);
            Assert.Equal("GB-ENG", first.RegionIsoCode);
            Assert.Equal("Milton", other!.CityName);
            Assert.Equal(2, database.CachedRecords);
            Assert.Equal(GeoIpOptions.DefaultRecordCacheSize, database.RecordCacheCapacity);
        }
        finally
        {
            database.Release();
        }
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(100, 64)]
    public void The_record_cache_keeps_at_most_its_size_rounded_down_and_every_lookup_still_finds_its_record(int size, int capacity)
    {
        // 200 networks, each with a record of its own city: far more records than the small caches keep.
        var writer = new MaxMindDatabaseWriter("GeoIP2-City");
        for (var i = 0; i < 200; i++)
        {
            writer.Insert($"10.{i}.0.0/16", DemoGeoDatabases.CityRecord("GB", "United Kingdom", "EU", $"Town {i}", "ENG", 51 + i / 1000.0, -0.1, "Europe/London"));
        }

        var database = Open(writer, "City", size);
        try
        {
            for (var pass = 0; pass < 2; pass++)
            {
                for (var i = 0; i < 200; i++)
                {
                    Assert.Equal($"Town {i}", database.Find<GeoCityRecord>(IPAddress.Parse($"10.{i}.1.2"))!.CityName);
                }
            }

            Assert.Equal(capacity, database.RecordCacheCapacity);
            Assert.InRange(database.CachedRecords, 1, capacity);
        }
        finally
        {
            database.Release();
        }
    }

    [Fact]
    public void An_address_in_no_network_finds_nothing_in_either_family()
    {
        var database = Open(GeoTestDatabases.Asn(), "ASN");
        try
        {
            Assert.Null(database.Find<GeoAsnRecord>(IPAddress.Parse("8.8.8.8")));
            Assert.Null(database.Find<GeoAsnRecord>(IPAddress.Parse("2a00:1450::1")));
            Assert.Equal("Andrews & Arnold Ltd", database.Find<GeoAsnRecord>(IPAddress.Parse("81.2.69.1"))!.OrganizationName);
            Assert.Equal("NTT America", database.Find<GeoAsnRecord>(IPAddress.Parse("2001:218::5"))!.OrganizationName);
        }
        finally
        {
            database.Release();
        }
    }

    [Fact]
    public void A_corrupt_record_is_refused_by_the_lookup_that_first_meets_it()
    {
        var writer = new MaxMindDatabaseWriter("Test");
        writer.Insert("1.2.3.0/24", new Dictionary<string, object> { ["d"] = 1.0 });
        var bytes = writer.ToArray();
        var tree = MaxMindDatabaseVerifier.Open(bytes);

        // key "d" (0x41 0x64), then the double's control byte (type 3, size 8 = 0x68): make it size 5.
        bytes[bytes.AsSpan().IndexOf(new byte[] { 0x41, 0x64, 0x68 }) + 2] = 0x65;
        var offset = tree.Find(bytes, [1, 2, 3, 4]);

        var error = Assert.Throws<InvalidDataException>(() =>
            MaxMindDatabaseVerifier.VerifyRecord(bytes.AsSpan(tree.DataStart, tree.DataSize), offset));
        Assert.Contains("double", error.Message);
    }

    [Fact]
    public void Checking_the_tree_bounds_alone_still_refuses_a_pointer_outside_the_data_section()
    {
        var bytes = GeoTestDatabases.City("London").ToArray();
        bytes[0] = 0xFF;
        bytes[1] = 0xFF;
        bytes[2] = 0xF0;

        var error = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.Open(bytes, wholeFile: false));

        Assert.Contains("outside the data section", error.Message);
    }

    [Fact]
    public void A_sampled_check_of_a_sound_database_gives_the_same_tree_as_a_whole_one()
    {
        var bytes = DemoGeoDatabases.CreateCityWriter().ToArray();

        var sampled = MaxMindDatabaseVerifier.Open(bytes, wholeFile: false);
        var whole = MaxMindDatabaseVerifier.Open(bytes, wholeFile: true);

        Assert.Equal(whole.NodeCount, sampled.NodeCount);
        Assert.Equal(whole.Find(bytes, [81, 2, 69, 160]), sampled.Find(bytes, [81, 2, 69, 160]));
        Assert.True(sampled.Find(bytes, [81, 2, 69, 160]) >= 0);
        Assert.Equal(-1, sampled.Find(bytes, [8, 8, 8, 8]));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(28)]
    [InlineData(32)]
    public void IPv4_networks_shorter_and_longer_than_16_bits_are_found_as_MaxMinds_reader_finds_them(int recordSize)
    {
        // The walk starts from a table of /16 prefixes: networks that end above, at and below 16 bits.
        var writer = new MaxMindDatabaseWriter("Test") { RecordSize = recordSize };
        writer.Insert("9.0.0.0/8", new Dictionary<string, object> { ["n"] = "slash8" });
        writer.Insert("81.2.0.0/16", new Dictionary<string, object> { ["n"] = "slash16" });
        writer.Insert("81.3.69.0/24", new Dictionary<string, object> { ["n"] = "slash24" });
        writer.Insert("81.3.69.7/32", new Dictionary<string, object> { ["n"] = "slash32" });
        var bytes = writer.ToArray();
        var tree = MaxMindDatabaseVerifier.Open(bytes);
        using var reader = new MaxMind.Db.Reader(new MemoryStream(bytes));

        foreach (var address in new[] { "9.200.1.1", "81.2.255.1", "81.3.69.1", "81.3.69.7", "81.3.70.1", "8.8.8.8", "255.255.255.255", "0.0.0.0" })
        {
            var ip = IPAddress.Parse(address);
            var offset = tree.Find(bytes, ip.GetAddressBytes());
            var expected = reader.Find<Dictionary<string, object>>(ip);
            Assert.Equal(expected is null, offset < 0);
        }

        Assert.NotEqual(tree.Find(bytes, [81, 3, 69, 7]), tree.Find(bytes, [81, 3, 69, 8]));
        Assert.Equal(tree.Find(bytes, [9, 0, 0, 1]), tree.Find(bytes, [9, 255, 0, 1]));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private GeoDatabase Open(MaxMindDatabaseWriter writer, string type, int recordCacheSize = GeoIpOptions.DefaultRecordCacheSize)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".mmdb");
        File.WriteAllBytes(path, writer.ToArray());
        return GeoDatabase.Open("test", path, type, recordCacheSize);
    }
}
