using System.Text;
using Enrichers.Geo;
using Enrichers.Json;
using LogPipeline.Demo.Geo;
using MaxMind.Db;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Geo;

/// <summary>GeoIP gives a <c>client.geo</c> object it made just now the city record itself (<see cref="LogObject.Defer"/>):
/// the object writes the record's texts without nodes, and makes its nodes the first time anything reads or changes
/// it. Both ways must give the same document, and a reader must never tell the difference.</summary>
public sealed class DeferredGeoObjectTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lp-geodeferred-tests", Guid.NewGuid().ToString("N"));

    public DeferredGeoObjectTests() => Directory.CreateDirectory(_directory);

    public static TheoryData<string, string> Places => new()
    {
        // Every field, a field JSON must escape, non-ASCII, no city or region, no coordinates, and a region alone.
        { "81.2.69.160", "\"client\":{\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"city_name\":\"London\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}}}" },
        { "216.160.83.57", "\"city_name\":\"Say \\\"hi\\\" \\\\ Milton\"" },
        { "89.160.20.130", "\"city_name\":\"Linköping\"" },
        { "2001:218::1", "\"geo\":{\"country_iso_code\":\"JP\",\"country_name\":\"Japan\",\"continent_code\":\"AS\",\"timezone\":\"Asia/Tokyo\",\"location\":{\"lat\":35.68536,\"lon\":139.75309}}" },
        { "175.16.199.1", "\"geo\":{\"country_iso_code\":\"CN\",\"country_name\":\"China\",\"city_name\":\"Changchun\",\"continent_code\":\"AS\",\"timezone\":\"Asia/Harbin\"}" },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public void A_geo_object_left_deferred_is_written_exactly_as_its_nodes_are(string address, string expected)
    {
        using var enricher = Enricher(Database());

        Assert.Contains(expected, WrittenAlikeDeferredAndAsNodes(enricher, address, Geo));
    }

    [Theory]
    [InlineData("81.2.69.160", "\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold \\\"AA\\\" Ltd\"}}")]
    [InlineData("89.160.20.130", "\"as\":{\"number\":29518}")]
    [InlineData("2001:218::1", "\"as\":{\"organization\":{\"name\":\"NTT America\"}}")]
    public void An_as_object_left_deferred_is_written_exactly_as_its_nodes_are(string address, string expected)
    {
        using var enricher = Enricher(Database(), AsnDatabase());

        Assert.Contains(expected, WrittenAlikeDeferredAndAsNodes(enricher, address, As));
    }

    [Fact]
    public void Reading_a_deferred_as_object_gives_its_fields_marked_as_GeoIP_marks_them()
    {
        using var enricher = Enricher(Database(), AsnDatabase());
        var asObject = As(Enrich(enricher, "81.2.69.160"));

        Assert.Equal(["number", "organization"], asObject.Properties.Select(p => p.Name));
        Assert.True(asObject.IsMarkedReferenceOnly);
        var organization = asObject.Get("organization")!.AsObject()!;
        Assert.True(organization.IsMarkedReferenceOnly);
        Assert.True(((LogString)organization.Get("name")!).IsFromReferenceData);
    }

    [Fact]
    public void Reading_a_deferred_geo_object_gives_the_fields_as_nodes_of_reference_data_marked_as_GeoIP_marks_them()
    {
        using var enricher = Enricher(Database());
        var record = Enrich(enricher, "81.2.69.160");
        var geo = Geo(record);

        Assert.Equal("London", geo.Get("city_name")!.AsString());
        Assert.False(geo.IsDeferred);
        Assert.True(geo.IsMarkedReferenceOnly);
        Assert.All(geo.Properties.Where(p => p.Value is LogString), p => Assert.True(((LogString)p.Value).IsFromReferenceData));
        Assert.Equal(
            ["country_iso_code", "country_name", "city_name", "region_iso_code", "continent_code", "timezone", "location"],
            geo.Properties.Select(p => p.Name));
        var location = geo.Get("location")!.AsObject()!;
        Assert.True(location.IsMarkedReferenceOnly);
        Assert.Equal("51.5142", location.Get("lat")!.ToString());
    }

    [Fact]
    public void A_change_to_a_deferred_geo_object_keeps_its_fields_and_voids_its_mark()
    {
        using var enricher = Enricher(Database());
        var record = Enrich(enricher, "81.2.69.160");
        var geo = Geo(record);

        geo.Set("note", "added later");

        Assert.False(geo.IsDeferred);
        Assert.False(geo.IsMarkedReferenceOnly);
        Assert.Contains("\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931},\"note\":\"added later\"}", record.ToString());
    }

    [Fact]
    public void A_value_set_in_place_after_reading_is_written_and_voids_nothing_it_should_not()
    {
        using var enricher = Enricher(Database());
        var record = Enrich(enricher, "81.2.69.160");
        var geo = Geo(record);

        geo.Properties[2].Value = new LogString("Elsewhere");

        Assert.Contains("\"city_name\":\"Elsewhere\"", record.ToString());
        Assert.False(((LogString)geo.Properties[2].Value).IsFromReferenceData);
    }

    [Fact]
    public void A_deferred_object_refuses_a_second_deferral_and_an_object_with_members_refuses_one()
    {
        var city = new GeoCityRecord(null, null, null, null, null, poolNames: false);
        var deferred = new LogObject();
        deferred.Defer(city);
        var filled = new LogObject();
        filled.Set("a", 1);

        Assert.Throws<InvalidOperationException>(() => deferred.Defer(city));
        Assert.Throws<InvalidOperationException>(() => filled.Defer(city));
    }

    [Fact]
    public void Pooled_objects_forget_a_deferral_when_the_session_moves_to_the_next_record()
    {
        var options = new EnrichmentOptions();
        options.GeoIp.CityDatabasePath = Database();
        using var chain = EnrichmentChain.Create(options, new FakeTimeProvider());
        using var session = chain.CreateSession();

        // The same pooled nodes serve each record in turn: a geo object of the first must not write into the second.
        var lines = new[] { "{\"client_ip\":\"81.2.69.160\",\"n\":1}", "{\"client\":{\"name\":\"x\"},\"n\":2}", "{\"client_ip\":\"2001:218::1\",\"n\":3}" }
            .Select(line =>
            {
                var output = new System.Buffers.ArrayBufferWriter<byte>();
                session.Enrich(Encoding.UTF8.GetBytes(line).AsMemory(), output);
                return Encoding.UTF8.GetString(output.WrittenSpan);
            })
            .ToArray();

        Assert.Contains("\"city_name\":\"London\"", lines[0]);
        Assert.DoesNotContain("geo", lines[1]);
        Assert.Contains("\"country_name\":\"Japan\"", lines[2]);
        Assert.DoesNotContain("London", lines[2]);
    }

    [SharedGeoIpTheory]
    [InlineData("GeoIP2-City-Test.mmdb", "geo")]
    [InlineData("GeoLite2-City-Test.mmdb", "geo")]
    [InlineData("GeoLite2-ASN-Test.mmdb", "as")]
    public void Every_network_of_MaxMinds_test_databases_is_written_alike_deferred_and_as_nodes(string file, string objectName)
    {
        var path = SharedGeoIpData.PathOf(file);
        using var reader = new Reader(path);
        var asn = objectName == "as";
        using var enricher = asn ? Enricher(Database(), path) : Enricher(path);
        var deferredSeen = 0;
        foreach (var network in reader.FindAll<Dictionary<string, object>>())
        {
            var address = network.Start.ToString();
            var deferred = Enrich(enricher, address);

            // Get on client reads client's members, not geo's: geo stays deferred.
            if (deferred.Root.Get("client")?.AsObject()?.Get(objectName) is not LogObject made)
            {
                continue;
            }

            Assert.True(made.IsDeferred);
            var written = deferred.ToString();
            var materialized = Enrich(enricher, address);
            Assert.NotEmpty((asn ? As(materialized) : Geo(materialized)).Properties);

            Assert.Equal(materialized.ToString(), written);
            deferredSeen++;
        }

        Assert.True(deferredSeen > 10, $"only {deferredSeen} networks gave a {objectName} object");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Enriches the same line twice: the first record is written with the object <paramref name="pick"/> finds
    /// still deferred, the second after reading the object's members (which makes them nodes). Both must be equal;
    /// returns the first.</summary>
    private static string WrittenAlikeDeferredAndAsNodes(GeoIpEnricher enricher, string address, Func<LogRecord, LogObject> pick)
    {
        var deferred = Enrich(enricher, address);
        Assert.True(pick(deferred).IsDeferred);
        var written = deferred.ToString();

        var materialized = Enrich(enricher, address);
        Assert.NotEmpty(pick(materialized).Properties);
        Assert.False(pick(materialized).IsDeferred);

        Assert.Equal(materialized.ToString(), written);
        return written;
    }

    private static LogObject As(LogRecord record) => record.Root.Get("client")!.AsObject()!.Get("as")!.AsObject()!;

    private static LogObject Geo(LogRecord record) => record.Root.Get("client")!.AsObject()!.Get("geo")!.AsObject()!;

    private static LogRecord Enrich(GeoIpEnricher enricher, string address)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes($"{{\"msg\":\"hi\",\"client_ip\":\"{address}\"}}"), out _)!;
        enricher.Enrich(record);
        return record;
    }

    private static GeoIpEnricher Enricher(string cityPath, string? asnPath = null) => GeoIpEnricher.Create(
        new GeoIpOptions { CityDatabasePath = cityPath, AsnDatabasePath = asnPath, CacheSize = 0 }, new EnrichmentStatistics(), new FakeTimeProvider());

    private string AsnDatabase()
    {
        var writer = new MaxMindDatabaseWriter("GeoLite2-ASN") { BuildTime = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero) };
        writer.Insert("81.2.69.0/24", DemoGeoDatabases.AsnRecord(20712, "Andrews & Arnold \"AA\" Ltd"));
        writer.Insert("89.160.20.0/24", new Dictionary<string, object> { ["autonomous_system_number"] = 29518u });
        writer.Insert("2001:218::/32", new Dictionary<string, object> { ["autonomous_system_organization"] = "NTT America" });
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".mmdb");
        File.WriteAllBytes(path, writer.ToArray());
        return path;
    }

    private string Database()
    {
        var writer = new MaxMindDatabaseWriter("GeoIP2-City") { BuildTime = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero) };
        writer.Insert("81.2.69.0/24", DemoGeoDatabases.CityRecord("GB", "United Kingdom", "EU", "London", "ENG", 51.5142, -0.0931, "Europe/London"));
        writer.Insert("216.160.83.56/29", DemoGeoDatabases.CityRecord("US", "United States", "NA", "Say \"hi\" \\ Milton", "WA", 47.2513, -122.3149, "America/Los_Angeles"));
        writer.Insert("89.160.20.128/25", DemoGeoDatabases.CityRecord("SE", "Sweden", "EU", "Linköping", "E", 58.4167, 15.6167, "Europe/Stockholm"));
        writer.Insert("2001:218::/32", DemoGeoDatabases.CityRecord("JP", "Japan", "AS", null, null, 35.68536, 139.75309, "Asia/Tokyo"));
        writer.Insert("175.16.199.0/24", DemoGeoDatabases.CityRecord("CN", "China", "AS", "Changchun", null, double.NaN, double.NaN, "Asia/Harbin"));
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".mmdb");
        File.WriteAllBytes(path, writer.ToArray());
        return path;
    }
}
