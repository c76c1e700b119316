using System.Text;
using Enrichers.Geo;
using Enrichers.Json;
using LogPipeline.Testing.Time;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Geo;

/// <summary>The enricher on MaxMind's own test databases (<c>../shared/geoip</c>).</summary>
public sealed class MaxMindConformanceTests
{
    [SharedGeoIpFact]
    public void London_is_found_with_ECS_fields()
    {
        var record = Enrich("81.2.69.160");

        Assert.Equal("GB", record.FindString("client.geo.country_iso_code"));
        Assert.Equal("United Kingdom", record.FindString("client.geo.country_name"));
        Assert.Equal("London", record.FindString("client.geo.city_name"));
        Assert.Equal("GB-ENG", record.FindString("client.geo.region_iso_code"));
        Assert.Equal("EU", record.FindString("client.geo.continent_code"));
        Assert.Equal("Europe/London", record.FindString("client.geo.timezone"));
        Assert.Equal("{\"lat\":51.5142,\"lon\":-0.0931}", Location(record));
        Assert.Equal("81.2.69.0", record.FindString("client.ip"));
    }

    [SharedGeoIpFact]
    public void Milton_Washington_is_found()
    {
        var record = Enrich("216.160.83.56");

        Assert.Equal("US", record.FindString("client.geo.country_iso_code"));
        Assert.Equal("Milton", record.FindString("client.geo.city_name"));
        Assert.Equal("US-WA", record.FindString("client.geo.region_iso_code"));
        Assert.Equal("{\"lat\":47.2513,\"lon\":-122.3149}", Location(record));
    }

    [SharedGeoIpFact]
    public void An_IPv6_network_in_Japan_has_a_country_but_no_city()
    {
        var record = Enrich("2001:218::1");

        Assert.Equal("JP", record.FindString("client.geo.country_iso_code"));
        Assert.Null(record.Find("client.geo.city_name"));
        Assert.Equal("2001:218::", record.FindString("client.ip"));
    }

    [SharedGeoIpFact]
    public void The_GeoLite2_city_database_is_accepted_too()
    {
        using var enricher = Create(new GeoIpOptions { CityDatabasePath = SharedGeoIpData.PathOf("GeoLite2-City-Test.mmdb") });
        var record = Parse("{\"ip\":\"81.2.69.160\"}");

        enricher.Enrich(record);

        Assert.Equal("London", record.FindString("client.geo.city_name"));
    }

    [SharedGeoIpTheory]
    [InlineData("GeoIP2-City-Test-Broken-Double-Format.mmdb", "double")]
    [InlineData("GeoIP2-City-Test-Invalid-Node-Count.mmdb", "node_count")]
    public void The_deliberately_broken_databases_are_refused_at_start_naming_the_path(string file, string reason)
    {
        var path = SharedGeoIpData.PathOf(file);

        var error = Assert.Throws<EnrichmentConfigurationException>(() => Create(new GeoIpOptions { CityDatabasePath = path }));

        Assert.Contains(path, error.Message);
        Assert.Contains("Enrichment:GeoIp:CityDatabasePath", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [SharedGeoIpFact]
    public void A_broken_replacement_of_a_good_database_is_refused_and_the_good_one_stays()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lp-geoip-conf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "GeoIP2-City.mmdb");
            File.Copy(SharedGeoIpData.PathOf("GeoIP2-City-Test.mmdb"), path);
            var time = new LockStepTimeProvider();
            using var enricher = GeoIpEnricher.Create(
                new GeoIpOptions { CityDatabasePath = path, ReloadCheckInterval = TimeSpan.FromMinutes(1) }, new EnrichmentStatistics(), time);

            GeoTestDatabases.ReplaceAtomically(path, File.ReadAllBytes(SharedGeoIpData.PathOf("GeoIP2-City-Test-Broken-Double-Format.mmdb")),
                DateTime.UtcNow.AddMinutes(1));
            time.Advance(TimeSpan.FromMinutes(1));

            var record = Parse("{\"ip\":\"81.2.69.160\"}");
            enricher.Enrich(record);
            Assert.Equal("London", record.FindString("client.geo.city_name"));
            Assert.Equal(1, enricher.ReloadFailures);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [SharedGeoIpTheory]
    [InlineData("1.128.0.1", 1221, "Telstra Pty Ltd")]
    [InlineData("89.160.20.112", 29518, "Bredband2 AB")]
    [InlineData("12.81.92.1", 7018, "AT&T Services")]
    public void ASN_lookups_give_number_and_organization(string address, long number, string organization)
    {
        using var enricher = Create(new GeoIpOptions { AsnDatabasePath = SharedGeoIpData.PathOf("GeoLite2-ASN-Test.mmdb") });
        var record = Parse($"{{\"client_ip\":\"{address}\"}}");

        enricher.Enrich(record);

        Assert.True(((LogLiteral)record.Find("client.as.number")!).TryGetInt64(out var found));
        Assert.Equal(number, found);
        Assert.Equal(organization, record.FindString("client.as.organization.name"));
    }

    [SharedGeoIpFact]
    public void The_build_time_of_MaxMinds_database_is_exposed()
    {
        using var enricher = Create(new GeoIpOptions { CityDatabasePath = SharedGeoIpData.PathOf("GeoIP2-City-Test.mmdb") });

        Assert.True(enricher.DatabaseBuildTimes["city"] > new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    private static LogRecord Enrich(string address)
    {
        using var enricher = Create(new GeoIpOptions
        {
            CityDatabasePath = SharedGeoIpData.PathOf("GeoIP2-City-Test.mmdb"),
            AsnDatabasePath = SharedGeoIpData.PathOf("GeoLite2-ASN-Test.mmdb"),
        });
        var record = Parse($"{{\"client_ip\":\"{address}\"}}");
        enricher.Enrich(record);
        Assert.DoesNotContain(address, record.ToString());
        return record;
    }

    private static GeoIpEnricher Create(GeoIpOptions options) =>
        GeoIpEnricher.Create(options, new EnrichmentStatistics(), new FakeTimeProvider());

    private static string Location(LogRecord record)
    {
        var location = record.Find("client.geo.location")!.AsObject()!;
        return "{\"lat\":" + location.Get("lat") + ",\"lon\":" + location.Get("lon") + "}";
    }

    private static LogRecord Parse(string json) => LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
}
