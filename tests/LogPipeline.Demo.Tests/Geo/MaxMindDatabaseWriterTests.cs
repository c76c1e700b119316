using System.Net;
using Enrichers.Geo;
using LogPipeline.Demo.Geo;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace LogPipeline.Demo.Tests.Geo;

public sealed class MaxMindDatabaseWriterTests
{
    [Theory]
    [InlineData(24)]
    [InlineData(28)]
    [InlineData(32)]
    public void MaxMinds_reader_finds_IPv4_and_IPv6_networks_with_every_record_size(int recordSize)
    {
        var writer = DemoGeoDatabases.CreateCityWriter();
        writer.RecordSize = recordSize;

        using var reader = new DatabaseReader(new MemoryStream(writer.ToArray()));

        Assert.Equal("London", reader.City("81.2.69.1").City.Name);
        Assert.Equal("London", reader.City("81.2.69.255").City.Name);
        Assert.Equal("JP", reader.City("2001:218:ffff::1").Country.IsoCode);
        Assert.False(reader.TryCity("81.2.70.1", out _));
        Assert.False(reader.TryCity("2001:219::1", out _));
        Assert.Equal(DemoGeoDatabases.CityDatabaseType, reader.Metadata.DatabaseType);
    }

    [Fact]
    public void Record_size_grows_to_28_bits_when_24_cannot_address_the_data()
    {
        var writer = new MaxMindDatabaseWriter("Test-City");
        var big = new string('x', 60_000);
        for (var i = 0; i < 300; i++)
        {
            writer.Insert($"10.{i / 256}.{i % 256}.0/24", new Dictionary<string, object> { ["n"] = (uint)i, ["pad"] = big + i });
        }

        var bytes = writer.ToArray();
        MaxMindDatabaseVerifier.Verify(bytes);
        using var reader = new Reader(new MemoryStream(bytes));
        Assert.Equal(299L, Convert.ToInt64(reader.Find<Dictionary<string, object>>(IPAddress.Parse("10.1.43.9"))!["n"]));
    }

    [Fact]
    public void Every_data_type_round_trips_through_MaxMinds_reader()
    {
        var writer = new MaxMindDatabaseWriter("Test-Types");
        writer.Insert("1.2.3.0/24", new Dictionary<string, object>
        {
            ["string"] = "Linköping ✓",
            ["long string"] = new string('s', 70_000),
            ["double"] = -122.3149,
            ["float"] = 1.5f,
            ["true"] = true,
            ["false"] = false,
            ["uint16"] = (ushort)65535,
            ["uint32"] = 4_000_000_000u,
            ["uint64"] = ulong.MaxValue,
            ["int32"] = -5,
            ["zero"] = 0u,
            ["bytes"] = new byte[] { 1, 2, 3 },
            ["array"] = new object[] { "a", (ushort)2, new Dictionary<string, object> { ["nested"] = "map" } },
        });

        using var reader = new Reader(new MemoryStream(writer.ToArray()));
        var data = reader.Find<Dictionary<string, object>>(IPAddress.Parse("1.2.3.4"))!;

        Assert.Equal("Linköping ✓", data["string"]);
        Assert.Equal(70_000, ((string)data["long string"]).Length);
        Assert.Equal(-122.3149, data["double"]);
        Assert.Equal(1.5f, data["float"]);
        Assert.Equal(true, data["true"]);
        Assert.Equal(false, data["false"]);
        Assert.Equal(65535L, Convert.ToInt64(data["uint16"]));
        Assert.Equal(4_000_000_000L, Convert.ToInt64(data["uint32"]));
        Assert.Equal(ulong.MaxValue, Convert.ToUInt64(data["uint64"]));
        Assert.Equal(-5, Convert.ToInt32(data["int32"]));
        Assert.Equal(0L, Convert.ToInt64(data["zero"]));
        Assert.Equal(new byte[] { 1, 2, 3 }, data["bytes"]);
        var array = Assert.IsAssignableFrom<System.Collections.IList>(data["array"]);
        Assert.Equal("a", array[0]);
        Assert.Equal("map", ((System.Collections.IDictionary)array[2]!)["nested"]);
    }

    [Fact]
    public void A_more_specific_network_inserted_later_splits_the_wider_one()
    {
        var writer = new MaxMindDatabaseWriter("Test-City");
        writer.Insert("81.2.0.0/16", new Dictionary<string, object> { ["n"] = "wide" });
        writer.Insert("81.2.69.0/24", new Dictionary<string, object> { ["n"] = "narrow" });

        using var reader = new Reader(new MemoryStream(writer.ToArray()));

        Assert.Equal("narrow", reader.Find<Dictionary<string, object>>(IPAddress.Parse("81.2.69.7"))!["n"]);
        Assert.Equal("wide", reader.Find<Dictionary<string, object>>(IPAddress.Parse("81.2.68.7"))!["n"]);
        Assert.Equal("wide", reader.Find<Dictionary<string, object>>(IPAddress.Parse("81.2.255.255"))!["n"]);
    }

    [Fact]
    public void Metadata_carries_type_description_languages_and_build_time()
    {
        var writer = DemoGeoDatabases.CreateCityWriter();
        writer.Languages.Add("de");

        using var reader = new Reader(new MemoryStream(writer.ToArray()));

        Assert.Equal(DemoGeoDatabases.CityDatabaseType, reader.Metadata.DatabaseType);
        Assert.Equal(DemoGeoDatabases.Description, reader.Metadata.Description["en"]);
        Assert.Equal(["en", "de"], reader.Metadata.Languages);
        Assert.Equal(DemoGeoDatabases.BuildTime.UtcDateTime, reader.Metadata.BuildDate);
        Assert.Equal(6, reader.Metadata.IPVersion);
    }

    [Fact]
    public void Identical_records_are_stored_once()
    {
        var once = new MaxMindDatabaseWriter("Test");
        once.Insert("1.0.0.0/24", new Dictionary<string, object> { ["payload"] = new string('p', 5000) });
        var many = new MaxMindDatabaseWriter("Test");
        for (var i = 0; i < 50; i++)
        {
            many.Insert($"1.0.{i}.0/24", new Dictionary<string, object> { ["payload"] = new string('p', 5000) });
        }

        Assert.True(many.ToArray().Length < once.ToArray().Length + 50 * 100);
    }

    [Fact]
    public void The_demo_databases_cover_every_sample_address_and_say_they_are_demo_data()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lp-geoip-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            DemoGeoDatabases.Write(Path.Combine(directory, "city.mmdb"), Path.Combine(directory, "asn.mmdb"));
            using var city = new DatabaseReader(Path.Combine(directory, "city.mmdb"));
            using var asn = new DatabaseReader(Path.Combine(directory, "asn.mmdb"));

            foreach (var address in DemoGeoDatabases.SampleAddresses)
            {
                Assert.True(city.TryCity(address, out var response), address);
                Assert.NotNull(response!.Country.IsoCode);
                Assert.True(asn.TryAsn(address, out _), address);
            }

            Assert.Contains("not real geolocation", city.Metadata.Description["en"]);
            Assert.Contains("not real geolocation", asn.Metadata.Description["en"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
