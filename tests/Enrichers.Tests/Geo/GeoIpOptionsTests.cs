using Enrichers.Geo;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Geo;

public sealed class GeoIpOptionsTests
{
    private const string Prefix = "Enrichment:GeoIp";

    [Fact]
    public void The_defaults_are_valid_and_truncate()
    {
        var options = new GeoIpOptions();

        Assert.Empty(options.Validate(Prefix));
        Assert.Equal(GeoIpAddressPolicy.Truncate, options.IpPolicy);
        Assert.Equal(10_000, options.CacheSize);
        Assert.Equal(131_072, options.RecordCacheSize);
        Assert.Equal(24, options.TruncateIPv4PrefixLength);
        Assert.Equal(48, options.TruncateIPv6PrefixLength);
    }

    [Theory]
    [InlineData(nameof(GeoIpOptions.CacheSize), "-1")]
    [InlineData(nameof(GeoIpOptions.RecordCacheSize), "3")]
    [InlineData(nameof(GeoIpOptions.RecordCacheSize), "1048577")]
    [InlineData(nameof(GeoIpOptions.TruncateIPv4PrefixLength), "33")]
    [InlineData(nameof(GeoIpOptions.TruncateIPv6PrefixLength), "129")]
    [InlineData(nameof(GeoIpOptions.ReloadCheckInterval), "00:00:00.5000000")]
    [InlineData(nameof(GeoIpOptions.IpPolicy), "42")]
    public void A_bad_value_is_reported_with_its_key_value_and_what_is_allowed(string key, string value)
    {
        var options = new GeoIpOptions();
        switch (key)
        {
            case nameof(GeoIpOptions.CacheSize): options.CacheSize = int.Parse(value); break;
            case nameof(GeoIpOptions.RecordCacheSize): options.RecordCacheSize = int.Parse(value); break;
            case nameof(GeoIpOptions.TruncateIPv4PrefixLength): options.TruncateIPv4PrefixLength = int.Parse(value); break;
            case nameof(GeoIpOptions.TruncateIPv6PrefixLength): options.TruncateIPv6PrefixLength = int.Parse(value); break;
            case nameof(GeoIpOptions.ReloadCheckInterval): options.ReloadCheckInterval = TimeSpan.Parse(value); break;
            default: options.IpPolicy = (GeoIpAddressPolicy)int.Parse(value); break;
        }

        var error = Assert.Single(options.Validate(Prefix));
        Assert.Contains($"{Prefix}:{key} is {value}", error);
        Assert.Contains("allowed:", error);
    }

    [Fact]
    public void The_hmac_policy_needs_a_key_and_never_shows_it()
    {
        var missing = new GeoIpOptions { IpPolicy = GeoIpAddressPolicy.Hmac };
        var tooShort = new GeoIpOptions { IpPolicy = GeoIpAddressPolicy.Hmac, HmacKey = "s3cret" };

        Assert.Contains("HmacKeyFile", Assert.Single(missing.Validate(Prefix)));
        var error = Assert.Single(tooShort.Validate(Prefix));
        Assert.Contains($"{Prefix}:HmacKey is too short", error);
        Assert.DoesNotContain("s3cret", error);
    }

    [Fact]
    public void Create_refuses_bad_options_with_a_configuration_error()
    {
        var error = Assert.Throws<EnrichmentConfigurationException>(() =>
            GeoIpEnricher.Create(new GeoIpOptions { CacheSize = -5 }, new EnrichmentStatistics(), new FakeTimeProvider()));

        Assert.Contains("Enrichment:GeoIp:CacheSize is -5", error.Message);
    }

    [Fact]
    public void A_missing_database_is_a_configuration_error_naming_key_and_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "GeoLite2-City.mmdb");

        var error = Assert.Throws<EnrichmentConfigurationException>(() =>
            GeoIpEnricher.Create(new GeoIpOptions { CityDatabasePath = path }, new EnrichmentStatistics(), new FakeTimeProvider()));

        Assert.Contains("Enrichment:GeoIp:CityDatabasePath", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_corrupt_or_wrong_database_is_a_configuration_error_naming_the_path()
    {
        using var databases = new GeoTestDatabases();
        var corrupt = Path.Combine(databases.Directory, "corrupt.mmdb");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(databases.CityPath)[..100]);

        var broken = Assert.Throws<EnrichmentConfigurationException>(() =>
            GeoIpEnricher.Create(new GeoIpOptions { CityDatabasePath = corrupt }, new EnrichmentStatistics(), new FakeTimeProvider()));
        var swapped = Assert.Throws<EnrichmentConfigurationException>(() =>
            GeoIpEnricher.Create(new GeoIpOptions { AsnDatabasePath = databases.CityPath }, new EnrichmentStatistics(), new FakeTimeProvider()));

        Assert.Contains(corrupt, broken.Message);
        Assert.Contains(databases.CityPath, swapped.Message);
        Assert.Contains("Enrichment:GeoIp:AsnDatabasePath", swapped.Message);
    }
}
