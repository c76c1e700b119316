using System.Text;
using Enrichers.Geo;
using Enrichers.Json;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Geo;

public sealed class GeoIpEnricherTests : IClassFixture<GeoTestDatabases>
{
    private const string HmacKey = "test-key-0123456789abcdef";
    private readonly GeoTestDatabases _databases;

    public GeoIpEnricherTests(GeoTestDatabases databases) => _databases = databases;

    [Fact]
    public void A_public_IPv4_address_gets_ECS_geo_and_as_fields_and_a_truncated_client_ip()
    {
        var output = Enrich("{\"msg\":\"hi\",\"client_ip\":\"81.2.69.160\"}", out var statistics);

        Assert.Equal(
            "{\"msg\":\"hi\",\"client\":{\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\","
            + "\"city_name\":\"London\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\","
            + "\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}",
            output);
        Assert.Equal(1, statistics.GeoIp["hit"]);
    }

    [Fact]
    public void A_public_IPv6_address_is_looked_up_and_truncated_to_its_48_bit_prefix()
    {
        var output = Enrich("{\"client_ip\":\"2001:218:1234:5678::1\"}", out _);

        Assert.Contains("\"ip\":\"2001:218:1234::\"", output);
        Assert.Contains("\"country_iso_code\":\"JP\"", output);
        Assert.Contains("\"number\":2914", output);
        Assert.DoesNotContain("city_name", output);
        Assert.DoesNotContain("region_iso_code", output);
    }

    [Theory]
    [InlineData("::ffff:81.2.69.160")]
    [InlineData("81.2.69.160:5678")]
    [InlineData("[::ffff:81.2.69.160]:443")]
    [InlineData(" 81.2.69.160 ")]
    public void IPv4_written_with_a_port_or_as_mapped_IPv6_is_the_same_address(string written)
    {
        var output = Enrich($"{{\"client_ip\":\"{written}\"}}", out var statistics);

        Assert.Contains("\"ip\":\"81.2.69.0\"", output);
        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.Equal(1, statistics.GeoIp["hit"]);
    }

    [Fact]
    public void A_bracketed_IPv6_address_with_a_port_is_accepted()
    {
        var output = Enrich("{\"remote_addr\":\"[2001:218::1]:443\"}", out _);

        Assert.Contains("\"ip\":\"2001:218::\"", output);
        Assert.Contains("\"country_iso_code\":\"JP\"", output);
    }

    [Theory]
    [InlineData("client_ip")]
    [InlineData("client.ip")]
    [InlineData("source.ip")]
    [InlineData("remote_addr")]
    [InlineData("ip")]
    [InlineData("x_forwarded_for")]
    [InlineData("http.request.headers.x-forwarded-for")]
    [InlineData("http.request.headers.x-real-ip")]
    [InlineData("request.headers.x-forwarded-for")]
    [InlineData("request.headers.x-real-ip")]
    [InlineData("x-forwarded-for")]
    [InlineData("x-real-ip")]
    public void Every_source_field_is_read_nested_or_dotted_and_removed(string field)
    {
        foreach (var json in new[] { Nested(field, "81.2.69.160"), $"{{\"{field}\":\"81.2.69.160\",\"k\":1}}" })
        {
            var output = Enrich(json, out _);

            Assert.Contains("\"city_name\":\"London\"", output);
            Assert.Contains("\"ip\":\"81.2.69.0\"", output);
            Assert.DoesNotContain("81.2.69.160", output);
        }
    }

    [Theory]
    [InlineData("{\"http.request\":{\"headers\":{\"x-forwarded-for\":\"81.2.69.160\"}}}")]
    [InlineData("{\"http.request.headers\":{\"x-forwarded-for\":\"81.2.69.160\"}}")]
    [InlineData("{\"http\":{\"request.headers\":{\"x-forwarded-for\":\"81.2.69.160\"}}}")]
    [InlineData("{\"http\":{\"request\":{\"headers.x-forwarded-for\":\"81.2.69.160\"}}}")]
    [InlineData("{\"source\":{\"ip\":\"81.2.69.160\",\"port\":443}}")]
    [InlineData("{\"source\":{\"port\":443},\"source\":{\"ip\":\"81.2.69.160\"}}")]
    [InlineData("{\"client\":{\"port\":1},\"client\":{\"ip\":\"81.2.69.160\"}}")]
    public void Mixed_nested_and_dotted_forms_of_a_source_field_are_found(string json)
    {
        var output = Enrich(json, out _);

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.DoesNotContain("81.2.69.160", output);
    }

    [Theory]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"X-Forwarded-For\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"X-FORWARDED-FOR\":\"10.0.0.1, 81.2.69.160\"}}}}")]
    [InlineData("{\"http.request.headers.X-Forwarded-For\":\"81.2.69.160\"}")]
    [InlineData("{\"http.request.headers\":{\"x-Forwarded-for\":[\"81.2.69.160\"]}}")]
    [InlineData("{\"http\":{\"request.headers.X-Forwarded-For\":\"81.2.69.160\"}}")]
    [InlineData("{\"http.request\":{\"headers\":{\"X-Real-IP\":\"81.2.69.160\"}}}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"X-Real-Ip\":\"81.2.69.160\",\"Accept\":\"*/*\"}}}}")]
    [InlineData("{\"request\":{\"method\":\"POST\",\"headers\":{\"X-Forwarded-For\":\"81.2.69.160\"}}}")]
    [InlineData("{\"request.headers\":{\"X-Real-IP\":\"81.2.69.160\"}}")]
    [InlineData("{\"request.headers.X-FORWARDED-FOR\":\"81.2.69.160\"}")]
    [InlineData("{\"X-Forwarded-For\":\"81.2.69.160, 10.1.1.1\"}")]
    [InlineData("{\"X-Real-IP\":\"81.2.69.160\"}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"X-Forwarded-\\u0046or\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"requ\\u0065st\":{\"headers\":{\"X-Real-IP\":\"81.2.69.160\"}}}")]
    [InlineData("{\"http\":{\"request\":{\"h\\u0065aders\":{\"x-forwarded-for\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"request\":{\"headers\":{\"X-Real-IP\":\"10.9.8.7\",\"Accept\":\"*/*\",\"X-Forwarded-For\":\"81.2.69.160\"},\"headers.x-real-ip\":\"10.9.8.6\"}}")]
    [InlineData("{\"request\":{\"id\":1},\"request\":{\"headers\":{\"X-Forwarded-For\":\"81.2.69.160\"}}}")]
    [InlineData("{\"http\":{\"request\":{\"id\":1},\"request\":{\"headers\":{\"X-Real-IP\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"request.headers\":{\"accept\":\"*/*\"},\"request.headers\":{\"x-real-ip\":\"81.2.69.160\"}}")]
    public void Header_names_match_in_any_ASCII_case_and_the_address_is_anonymized(string json)
    {
        var output = Enrich(json, out var statistics);

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.Contains("\"ip\":\"81.2.69.0\"", output);
        Assert.DoesNotContain("81.2.69.160", output);
        Assert.DoesNotContain("orwarded", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("real-ip", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, statistics.GeoIp["hit"]);
    }

    [Theory]
    [InlineData("{\"HTTP\":{\"request\":{\"headers\":{\"x-forwarded-for\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"http\":{\"Request\":{\"headers\":{\"x-forwarded-for\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"Client_IP\":\"81.2.69.160\"}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"x-forwarded-for-original\":\"81.2.69.160\"}}}}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"x-real-\u0131p\":\"81.2.69.160\"}}}}")]
    public void Only_header_names_ignore_case_and_only_in_ASCII(string json)
    {
        var output = Enrich(json, out var statistics);

        Assert.Contains("81.2.69.160", output);
        Assert.Equal(0, statistics.GeoIp.Total);
    }

    [Fact]
    public void The_same_header_in_two_cases_is_removed_in_both()
    {
        var output = Enrich("{\"http\":{\"request\":{\"headers\":{\"x-forwarded-for\":\"81.2.69.160\",\"X-Forwarded-For\":\"216.160.83.57\","
            + "\"Accept\":\"*/*\"}}},\"X-REAL-IP\":\"2001:218::77\",\"x-real-ip\":\"2001:218::78\"}", out _);

        Assert.StartsWith("{\"http\":{\"request\":{\"headers\":{\"Accept\":\"*/*\"}}},\"client\":{\"ip\":\"81.2.69.0\",", output);
        Assert.DoesNotContain("216.160.83.57", output);
        Assert.DoesNotContain("2001:218::7", output);
    }

    [Fact]
    public void The_keep_policy_leaves_differently_cased_headers_as_received()
    {
        const string json = "{\"http\":{\"request\":{\"headers\":{\"X-Forwarded-For\":\"81.2.69.160\"}}}}";

        var output = Enrich(json, out _, Options(GeoIpAddressPolicy.Keep));

        Assert.StartsWith(json[..^1] + ",\"client\":{\"ip\":\"81.2.69.160\"", output);
        Assert.Contains("\"city_name\":\"London\"", output);
    }

    [Fact]
    public void The_first_present_source_field_wins()
    {
        var output = Enrich("{\"ip\":\"216.160.83.57\",\"remote_addr\":\"81.2.69.160\"}", out _);

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.DoesNotContain("216.160.83", output);
    }

    [Fact]
    public void The_first_public_address_of_a_forwarded_for_list_is_used()
    {
        var output = Enrich("{\"x_forwarded_for\":\"10.0.0.7, 192.168.1.1, 81.2.69.160, 216.160.83.57\"}", out _);

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.Equal("{\"client\":", output[..10]);
        Assert.DoesNotContain("10.0.0.7", output);
        Assert.DoesNotContain("216.160.83.57", output);
    }

    [Fact]
    public void A_forwarded_for_list_logged_as_an_array_is_read_too()
    {
        var output = Enrich("{\"x_forwarded_for\":[\"unknown\",\"2001:218::9\"]}", out _);

        Assert.Contains("\"country_iso_code\":\"JP\"", output);
        Assert.DoesNotContain("x_forwarded_for", output);
    }

    [Fact]
    public void A_list_of_private_addresses_gives_the_first_one_truncated_and_no_geo()
    {
        var output = Enrich("{\"x_forwarded_for\":\"10.1.2.3, 192.168.7.8\"}", out var statistics);

        Assert.Equal("{\"client\":{\"ip\":\"10.1.2.0\"}}", output);
        Assert.Equal(1, statistics.GeoIp["private"]);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.9")]
    [InlineData("192.168.1.20")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("100.64.0.7")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("192.0.2.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Private_loopback_link_local_multicast_and_reserved_addresses_get_no_geo_and_no_error(string address)
    {
        var output = Enrich($"{{\"client_ip\":\"{address}\"}}", out var statistics);

        Assert.DoesNotContain("geo", output);
        Assert.DoesNotContain("\"as\"", output);
        Assert.Equal(1, statistics.GeoIp["private"]);
        Assert.Equal(0, statistics.GeoIp["error"]);
    }

    [Fact]
    public void A_public_address_absent_from_the_databases_is_a_miss_without_fields()
    {
        var output = Enrich("{\"client_ip\":\"8.8.8.8\"}", out var statistics);

        Assert.Equal("{\"client\":{\"ip\":\"8.8.8.0\"}}", output);
        Assert.Equal(1, statistics.GeoIp["miss"]);
    }

    [Theory]
    [InlineData("not an ip")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("0x7f.1")]
    [InlineData("16909060")]
    [InlineData("1.2.3.4:99999999")]
    [InlineData("[2001:db8::1")]
    [InlineData("2001:::1")]
    [InlineData("1.2.3.4/24")]
    public void A_malformed_address_is_counted_removed_and_never_throws(string value)
    {
        var output = Enrich($"{{\"a\":1,\"client_ip\":\"{value}\"}}", out var statistics);

        Assert.Equal("{\"a\":1}", output);
        Assert.Equal(1, statistics.GeoIp["malformed"]);
        Assert.Equal(0, statistics.EnricherFailures.Total);
    }

    [Fact]
    public void A_malformed_first_field_falls_through_to_the_next_valid_one()
    {
        var output = Enrich("{\"client_ip\":\"garbage\",\"remote_addr\":\"81.2.69.160\"}", out var statistics);

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.DoesNotContain("garbage", output);
        Assert.Equal(0, statistics.GeoIp["malformed"]);
    }

    [Theory]
    [InlineData("\"-\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void Placeholder_and_non_string_values_are_not_addresses(string value)
    {
        var output = Enrich($"{{\"client_ip\":{value},\"ip\":\"81.2.69.160\"}}", out _);

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.DoesNotContain("client_ip", output);
    }

    [Theory]
    [InlineData("{\"client\":{\"ip\":{\"v4\":\"81.2.69.160\"}}}")]
    [InlineData("{\"x_forwarded_for\":[[\"81.2.69.160\"],1,null,{}]}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":\"x\"}},\"ip\":true}")]
    [InlineData("{\"client_ip\":\"\\u0038\\u0031.2.69.160\"}")]
    [InlineData("{\"client_ip\":\"81.2.69.160,,,,\\u0000\"}")]
    [InlineData("{\"remote_addr\":\"\u0661\u0662.2.69.160\"}")]
    public void Odd_shapes_never_throw_and_never_leak_a_parsed_address(string json)
    {
        var output = Enrich(json, out var statistics);

        Assert.Equal(0, statistics.GeoIp["error"]);
        Assert.DoesNotContain("81.2.69.160", output);
    }

    [Fact]
    public void A_record_without_an_address_is_left_untouched_and_not_counted()
    {
        const string json = "{\"msg\":\"no address\",\"client\":{\"name\":\"web\"},\"n\":1.0}";

        var output = Enrich(json, out var statistics);

        Assert.Equal(json, output);
        Assert.Equal(0, statistics.GeoIp.Total);
    }

    [Fact]
    public void By_default_the_raw_address_survives_nowhere_in_the_record()
    {
        const string json = "{\"client_ip\":\"81.2.69.160\",\"client\":{\"ip\":\"81.2.69.160\",\"port\":1},\"source\":{\"ip\":\"81.2.69.160\"},"
            + "\"remote_addr\":\"81.2.69.160:5678\",\"ip\":\"::ffff:81.2.69.160\",\"x_forwarded_for\":\"81.2.69.160, 216.160.83.57\","
            + "\"http\":{\"request\":{\"headers\":{\"x-forwarded-for\":\"81.2.69.160, 2001:218::77\",\"accept\":\"*/*\"}}},"
            + "\"http.request.headers.X-Real-IP\":\"81.2.69.160\",\"X-Forwarded-For\":\"216.160.83.57\","
            + "\"request\":{\"headers\":{\"X-Real-Ip\":\"2001:218::77\",\"traceparent\":\"x\"}}}";

        var output = Enrich(json, out _);

        Assert.DoesNotContain("81.2.69.160", output);
        Assert.DoesNotContain("216.160.83.57", output);
        Assert.DoesNotContain("2001:218::77", output);
        Assert.Contains("\"accept\":\"*/*\"", output);
        Assert.Contains("\"port\":1", output);
        Assert.Contains("\"ip\":\"81.2.69.0\"", output);
    }

    [Fact]
    public void Duplicate_source_keys_are_all_removed()
    {
        var json = "{" + string.Join(",", Enumerable.Repeat("\"ip\":\"81.2.69.160\"", 12)) + ",\"client.ip\":\"81.2.69.161\"}";

        var output = Enrich(json, out _);

        Assert.DoesNotContain("81.2.69.16", output);
        Assert.StartsWith("{\"client\":{\"ip\":\"81.2.69.0\"", output);
    }

    [Fact]
    public void The_hmac_policy_keeps_the_truncated_address_and_adds_a_keyed_token()
    {
        var options = Options(GeoIpAddressPolicy.Hmac);
        options.HmacKey = HmacKey;

        var first = Enrich("{\"client_ip\":\"81.2.69.160\"}", out _, options);
        var samePort = Enrich("{\"remote_addr\":\"81.2.69.160:443\"}", out _, options);
        var neighbour = Enrich("{\"client_ip\":\"81.2.69.161\"}", out _, options);
        options.HmacKey = HmacKey + "-other";
        var otherKey = Enrich("{\"client_ip\":\"81.2.69.160\"}", out _, options);

        var token = Token(first);
        Assert.Matches("^[0-9a-f]{32}$", token);
        Assert.Contains("\"ip\":\"81.2.69.0\"", first);
        Assert.Contains("\"city_name\":\"London\"", first);
        Assert.DoesNotContain("81.2.69.160", first);
        Assert.Equal(token, Token(samePort));
        Assert.NotEqual(token, Token(neighbour));
        Assert.NotEqual(token, Token(otherKey));
    }

    [Fact]
    public void The_hmac_policy_reads_its_key_from_a_file()
    {
        var keyFile = Path.Combine(_databases.Directory, "hmac.key");
        File.WriteAllText(keyFile, HmacKey + "\n");
        var fromFile = Options(GeoIpAddressPolicy.Hmac);
        fromFile.HmacKeyFile = keyFile;
        var inline = Options(GeoIpAddressPolicy.Hmac);
        inline.HmacKey = HmacKey;

        Assert.Equal(Token(Enrich("{\"ip\":\"8.8.4.4\"}", out _, inline)), Token(Enrich("{\"ip\":\"8.8.4.4\"}", out _, fromFile)));
    }

    [Fact]
    public void The_keep_policy_writes_the_full_normalized_address_and_leaves_other_fields()
    {
        var output = Enrich("{\"remote_addr\":\"81.2.69.160:5678\",\"client\":{\"ip\":\"[::ffff:81.2.69.160]:1\"}}", out _,
            Options(GeoIpAddressPolicy.Keep));

        Assert.Contains("\"remote_addr\":\"81.2.69.160:5678\"", output);
        Assert.Contains("\"ip\":\"81.2.69.160\"", output);
        Assert.Contains("\"city_name\":\"London\"", output);
    }

    [Fact]
    public void The_keep_policy_drops_a_client_ip_that_is_not_an_address()
    {
        var output = Enrich("{\"client\":{\"ip\":\"n/a\"},\"a\":1}", out _, Options(GeoIpAddressPolicy.Keep));

        Assert.Equal("{\"a\":1}", output);
    }

    [Fact]
    public void The_remove_policy_keeps_geo_fields_but_no_address()
    {
        var output = Enrich("{\"client_ip\":\"81.2.69.160\",\"x_forwarded_for\":\"81.2.69.160\"}", out _, Options(GeoIpAddressPolicy.Remove));

        Assert.Contains("\"city_name\":\"London\"", output);
        Assert.DoesNotContain("\"ip\"", output);
        Assert.DoesNotContain("81.2.69", output);
    }

    [Fact]
    public void Truncation_prefix_lengths_are_configurable()
    {
        var options = Options(GeoIpAddressPolicy.Truncate);
        options.TruncateIPv4PrefixLength = 16;
        options.TruncateIPv6PrefixLength = 32;

        Assert.Contains("\"ip\":\"81.2.0.0\"", Enrich("{\"ip\":\"81.2.69.160\"}", out _, options));
        Assert.Contains("\"ip\":\"2001:218::\"", Enrich("{\"ip\":\"2001:218:ab:cd::1\"}", out _, options));
    }

    [Fact]
    public void Without_databases_the_address_is_still_anonymized()
    {
        var options = new GeoIpOptions();

        var output = Enrich("{\"client_ip\":\"81.2.69.160\"}", out var statistics, options);

        Assert.Equal("{\"client\":{\"ip\":\"81.2.69.0\"}}", output);
        Assert.Equal(0, statistics.GeoIp["miss"]);
    }

    [Fact]
    public void A_producer_client_object_keeps_its_other_fields()
    {
        var output = Enrich("{\"client\":{\"ip\":\"81.2.69.160\",\"user\":{\"id\":\"u1\"}}}", out _);

        Assert.StartsWith("{\"client\":{\"user\":{\"id\":\"u1\"},\"ip\":\"81.2.69.0\",\"geo\":", output);
    }

    [Fact]
    public void A_non_object_client_field_is_kept_and_geo_fields_become_dotted_keys()
    {
        var output = Enrich("{\"client\":\"web\",\"ip\":\"81.2.69.160\"}", out _);

        Assert.Contains("\"client\":\"web\"", output);
        Assert.Contains("\"client.ip\":\"81.2.69.0\"", output);
        Assert.Contains("\"client.geo.city_name\":\"London\"", output);
    }

    [Theory]
    [InlineData("{\"client.geo.city_name\":\"Old\",\"client_ip\":\"81.2.69.160\",\"client.as.number\":7}",
        "{\"client.geo.city_name\":\"London\",\"client.as.number\":20712,\"client\":{\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}")]
    [InlineData("{\"client\":{\"geo\":{\"city_name\":\"Old\",\"extra\":1},\"as\":{\"organization\":\"producer\"}},\"client_ip\":\"81.2.69.160\"}",
        "{\"client\":{\"geo\":{\"city_name\":\"London\",\"extra\":1,\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"organization\":\"producer\",\"number\":20712,\"organization.name\":\"Andrews & Arnold Ltd\"},\"ip\":\"81.2.69.0\"}}")]
    [InlineData("{\"client\":{\"geo\":\"producer\"},\"client_ip\":\"81.2.69.160\"}",
        "{\"client\":{\"geo\":\"producer\",\"ip\":\"81.2.69.0\",\"geo.country_iso_code\":\"GB\",\"geo.country_name\":\"United Kingdom\",\"geo.city_name\":\"London\",\"geo.region_iso_code\":\"GB-ENG\",\"geo.continent_code\":\"EU\",\"geo.timezone\":\"Europe/London\",\"geo.location\":{\"lat\":51.5142,\"lon\":-0.0931},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}")]
    [InlineData("{\"cli\\u0065nt\":{\"id\":1},\"client\":{\"id\":2},\"client_ip\":\"81.2.69.160\"}",
        "{\"cli\\u0065nt\":{\"id\":1,\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"city_name\":\"London\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}},\"client\":{\"id\":2}}")]
    [InlineData("{\"clients\":1,\"client.\":2,\"client_ip\":\"81.2.69.160\",\"client.ip_hash\":3}",
        "{\"clients\":1,\"client.\":2,\"client.ip_hash\":3,\"client\":{\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"city_name\":\"London\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}")]
    // A client object after the source (its place moves when the source is removed); a dotted client.ip source alone
    // (removed, so no dotted key is left), and beside another dotted client key (which then takes its field).
    [InlineData("{\"client_ip\":\"81.2.69.160\",\"client\":{\"id\":2}}",
        "{\"client\":{\"id\":2,\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"city_name\":\"London\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}")]
    [InlineData("{\"client.ip\":\"81.2.69.160\",\"a\":1}",
        "{\"a\":1,\"client\":{\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"city_name\":\"London\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}")]
    [InlineData("{\"client.ip\":\"81.2.69.160\",\"client.geo.city_name\":\"Old\"}",
        "{\"client.geo.city_name\":\"London\",\"client\":{\"ip\":\"81.2.69.0\",\"geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"region_iso_code\":\"GB-ENG\",\"continent_code\":\"EU\",\"timezone\":\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}},\"as\":{\"number\":20712,\"organization\":{\"name\":\"Andrews & Arnold Ltd\"}}}}")]
    public void Fields_go_into_the_objects_and_dotted_keys_the_record_already_has(string json, string expected)
    {
        Assert.Equal(expected, Enrich(json, out _));

        // Nodes from a session's pool (reused from record to record) write the same.
        var pool = new LogNodePool();
        using var enricher = GeoIpEnricher.Create(Options(GeoIpAddressPolicy.Truncate), new EnrichmentStatistics(), new FakeTimeProvider());
        for (var round = 0; round < 2; round++)
        {
            pool.Reset();
            var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _, LogRecordParser.DefaultMaxBytes, LogRecordParser.DefaultMaxDepth, pool)!;
            enricher.Enrich(record);
            Assert.Equal(expected, record.ToString());
        }
    }

    [Fact]
    public void Every_name_written_reads_as_bytes_as_parsed_names_do()
    {
        var record = Parse("{\"client_ip\":\"81.2.69.160\"}");
        using var enricher = GeoIpEnricher.Create(Options(GeoIpAddressPolicy.Truncate), new EnrichmentStatistics(), new FakeTimeProvider());
        enricher.Enrich(record);

        var names = new List<string>();
        Collect((LogObject)record.Root.Get("client")!);
        Assert.Equal(["ip", "geo", "country_iso_code", "country_name", "city_name", "region_iso_code", "continent_code", "timezone", "location",
            "lat", "lon", "as", "number", "organization", "name"], names);

        void Collect(LogObject obj)
        {
            foreach (var p in obj.PropertySpan)
            {
                // Masking's names cache and the output take the bytes; a name without them was converted at every record.
                Assert.True(p.TryGetRawName(out var raw));
                Assert.Equal(p.Name, Encoding.ASCII.GetString(raw));
                names.Add(p.Name);
                if (p.Value is LogObject child)
                {
                    Collect(child);
                }
            }
        }
    }

    [Fact]
    public void Repeated_addresses_are_served_from_the_bounded_cache()
    {
        var options = Options(GeoIpAddressPolicy.Truncate);
        options.CacheSize = 10;
        using var enricher = GeoIpEnricher.Create(options, new EnrichmentStatistics(), new FakeTimeProvider());

        for (var i = 0; i < 500; i++)
        {
            enricher.Enrich(Parse($"{{\"ip\":\"81.2.{i / 250}.{i % 250}\"}}"));
            Assert.InRange(enricher.CachedLookups, 1, 10);
        }

        var again = Parse("{\"ip\":\"81.2.69.160\"}");
        enricher.Enrich(again);
        enricher.Enrich(Parse("{\"ip\":\"81.2.69.160\"}"));
        Assert.Contains("London", again.ToString());
    }

    [Fact]
    public void Concurrent_lookups_from_many_threads_give_the_same_answers()
    {
        using var enricher = GeoIpEnricher.Create(Options(GeoIpAddressPolicy.Truncate), new EnrichmentStatistics(), new FakeTimeProvider());
        var addresses = new[] { "81.2.69.160", "2001:218::1", "216.160.83.57", "10.0.0.1", "8.8.8.8" };

        var outputs = new System.Collections.Concurrent.ConcurrentBag<(int, string)>();
        Parallel.For(0, 4000, i =>
        {
            var record = Parse($"{{\"ip\":\"{addresses[i % addresses.Length]}\"}}");
            enricher.Enrich(record);
            outputs.Add((i % addresses.Length, record.ToString()));
        });

        foreach (var group in outputs.GroupBy(o => o.Item1))
        {
            Assert.Single(group.Select(o => o.Item2).Distinct());
        }
    }

    [Fact]
    public void Database_build_times_are_exposed_by_kind()
    {
        using var enricher = GeoIpEnricher.Create(Options(GeoIpAddressPolicy.Truncate), new EnrichmentStatistics(), new FakeTimeProvider());

        Assert.Equal(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), enricher.DatabaseBuildTimes["city"]);
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero), enricher.DatabaseBuildTimes["asn"]);
    }

    [Fact]
    public void The_enricher_describes_itself_without_secrets()
    {
        var options = Options(GeoIpAddressPolicy.Hmac);
        options.HmacKey = HmacKey;
        using var enricher = GeoIpEnricher.Create(options, new EnrichmentStatistics(), new FakeTimeProvider());

        var description = enricher.ToString();

        Assert.Contains($"city '{_databases.CityPath}' (GeoIP2-City, built 2026-10-01, keeps up to 131072 decoded records)", description);
        Assert.Contains("policy hmac", description);
        Assert.DoesNotContain(HmacKey, description);
    }

    [Fact]
    public void After_dispose_records_are_still_anonymized_and_nothing_throws()
    {
        var statistics = new EnrichmentStatistics();
        var enricher = GeoIpEnricher.Create(Options(GeoIpAddressPolicy.Truncate), statistics, new FakeTimeProvider());
        enricher.Dispose();
        enricher.Dispose();
        var record = Parse("{\"ip\":\"81.2.69.160\"}");

        enricher.Enrich(record);
        enricher.CheckForUpdates();

        Assert.Equal("{\"client\":{\"ip\":\"81.2.69.0\"}}", record.ToString());
        Assert.Equal(0, statistics.GeoIp["error"]);
    }

    [Fact]
    public void The_chain_runs_geoip_with_its_options()
    {
        var options = new EnrichmentOptions();
        options.GeoIp.CityDatabasePath = _databases.CityPath;
        using var chain = EnrichmentChain.Create(options, new FakeTimeProvider());
        using var session = chain.CreateSession();
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        session.Enrich(Encoding.UTF8.GetBytes("{\"client_ip\":\"81.2.69.160\"}"), output);

        Assert.Contains("\"city_name\":\"London\"", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(1, chain.Statistics.GeoIp["hit"]);
    }

    private GeoIpOptions Options(GeoIpAddressPolicy policy) => new()
    {
        CityDatabasePath = _databases.CityPath,
        AsnDatabasePath = _databases.AsnPath,
        IpPolicy = policy,
    };

    private string Enrich(string json, out EnrichmentStatistics statistics, GeoIpOptions? options = null)
    {
        statistics = new EnrichmentStatistics();
        using var enricher = GeoIpEnricher.Create(options ?? Options(GeoIpAddressPolicy.Truncate), statistics, new FakeTimeProvider());
        var record = Parse(json);
        enricher.Enrich(record);
        return record.ToString();
    }

    private static LogRecord Parse(string json) =>
        LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection) ?? throw new ArgumentException(rejection!.Reason);

    private static string Nested(string dottedPath, string value)
    {
        var parts = dottedPath.Split('.');
        var json = $"\"{value}\"";
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            json = $"{{\"{parts[i]}\":{json}}}";
        }

        return json;
    }

    private static string Token(string output)
    {
        var record = Parse(output);
        return record.FindString(GeoIpEnricher.ClientIpHashField) ?? throw new InvalidOperationException("no token in " + output);
    }
}
