using System.Text;
using Enrichers.Geo;
using Enrichers.Json;
using Enrichers.Masking;
using Enrichers.Tests.Geo;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Masking;

/// <summary>The masking walk skips the objects GeoIP made and filled with its database's texts and numbers only where
/// walking them changes nothing (see <c>ReferenceObjects</c> and docs/masking.md § GeoIP's objects).</summary>
public sealed class GeoObjectSkipTests : IClassFixture<GeoTestDatabases>
{
    private const string London = "{\"msg\":\"hi\",\"client_ip\":\"81.2.69.160\"}";
    private readonly GeoTestDatabases _databases;

    public GeoObjectSkipTests(GeoTestDatabases databases) => _databases = databases;

    [Fact]
    public void GeoIPs_own_geo_and_as_objects_are_skipped_and_the_record_is_written_as_GeoIP_wrote_it()
    {
        var record = Geo(London);
        var unmasked = record.ToString();
        var skipped = new List<LogObject>();

        Mask(record, new MaskingOptions(), skipped);

        var client = record.Root.Get("client")!.AsObject()!;
        Assert.Equal([client.Get("geo")!.AsObject()!, client.Get("as")!.AsObject()!], skipped);
        Assert.Equal(unmasked, record.ToString());
    }

    [Theory]
    [InlineData("city_name", "\"city_name\":\"[redacted]\"")]
    [InlineData("location", "\"location\":\"[redacted]\"")]
    [InlineData("organization", "\"organization\":\"[redacted]\"")]
    [InlineData("timezone", "\"timezone\":\"[redacted]\"")]
    public void A_key_rule_naming_one_of_GeoIPs_names_still_masks_it(string keyName, string expected)
    {
        var record = Geo(London);
        var skipped = new List<LogObject>();

        Mask(record, new MaskingOptions { KeyNames = [keyName] }, skipped);

        Assert.Empty(skipped);
        Assert.Contains(expected, record.ToString());
    }

    [Fact]
    public void Custom_patterns_still_scan_GeoIPs_texts()
    {
        var record = Geo(London);
        var skipped = new List<LogObject>();
        var options = new MaskingOptions { Patterns = [new MaskingPattern { Name = "town", Regex = "London|Arnold" }] };

        Mask(record, options, skipped);

        Assert.Empty(skipped);
        var output = record.ToString();
        Assert.Contains("\"city_name\":\"[town]\"", output);
        Assert.Contains("\"name\":\"Andrews & [town] Ltd\"", output);
    }

    [Fact]
    public void A_producers_own_client_geo_object_is_still_walked()
    {
        var record = Geo("{\"client_ip\":\"81.2.69.160\",\"client\":{\"geo\":{\"note\":\"seen by jane@example.com\"}}}");
        var skipped = new List<LogObject>();

        Mask(record, new MaskingOptions(), skipped);

        var geo = record.Find("client.geo")!.AsObject()!;
        Assert.DoesNotContain(geo, skipped);
        Assert.Equal("seen by [email]", geo.Get("note")!.AsString());
        Assert.Equal("London", geo.Get("city_name")!.AsString());

        // The location GeoIP made inside it is its own, so that one is skipped.
        Assert.Contains(geo.Get("location")!.AsObject()!, skipped);
    }

    public static TheoryData<string> Changes() => ["set", "append", "replace", "value in place", "string set", "nested value in place"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_marked_object_that_got_a_producer_like_member_after_GeoIP_is_walked(string change)
    {
        var record = Geo(London);
        var geo = record.Find("client.geo")!.AsObject()!;
        var email = "jane@example.com";
        switch (change)
        {
            case "set":
                geo.Set("contact", email);
                break;
            case "append":
                geo.Append("contact", new LogString(email));
                break;
            case "replace":
                geo.ReplaceAt(geo.IndexOf("city_name"), "contact", new LogString(email));
                break;
            case "value in place":
                geo.Properties[geo.IndexOf("city_name")].Value = new LogString(email);
                break;
            case "string set":
                ((LogString)geo.Get("city_name")!).Value = email;
                break;
            case "nested value in place":
                var location = geo.Get("location")!.AsObject()!;
                location.Properties[0].Value = new LogString(email);
                break;
        }

        var skipped = new List<LogObject>();
        Mask(record, new MaskingOptions(), skipped);

        Assert.DoesNotContain(geo, skipped);
        Assert.DoesNotContain(email, record.ToString());
        Assert.Contains("[email]", record.ToString());
    }

    [Fact]
    public void A_marked_object_under_a_key_naming_personal_data_is_walked_and_its_numbers_masked()
    {
        var (output, skipped) = MaskMarked("phone", LogLiteral.Number(4155550132));

        Assert.Empty(skipped);
        Assert.Equal("{\"a\":1,\"phone\":{\"lat\":\"[phone]\"}}", output);
    }

    [Fact]
    public void A_marked_object_holding_ordinary_text_is_walked()
    {
        var (output, skipped) = MaskMarked("geo", new LogString("jane@example.com"));

        Assert.Empty(skipped);
        Assert.Equal("{\"a\":1,\"geo\":{\"lat\":\"[email]\"}}", output);
    }

    [Fact]
    public void Every_name_GeoIP_writes_into_an_object_it_marks_is_one_that_masking_judges()
    {
        var record = Geo(London);
        var marked = new List<LogObject>();
        Collect(record.Root, marked);

        Assert.Equal(4, marked.Count);
        foreach (var obj in marked)
        {
            foreach (var property in obj.Properties)
            {
                Assert.Contains(property.Name, FieldNames.GeoObjectMemberNames);
            }
        }
    }

    [Fact]
    public void Through_the_chain_GeoIPs_objects_are_skipped_and_the_rest_is_masked()
    {
        var options = new EnrichmentOptions();
        options.GeoIp.CityDatabasePath = _databases.CityPath;
        using var chain = EnrichmentChain.Create(options, new FakeTimeProvider());
        using var session = chain.CreateSession();
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        session.Enrich(Encoding.UTF8.GetBytes("{\"client_ip\":\"81.2.69.160\",\"msg\":\"mail jane@example.com\"}"), output);

        var written = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Contains("\"city_name\":\"London\"", written);
        Assert.Contains("mail [email]", written);
    }

    private static void Collect(LogObject obj, List<LogObject> marked)
    {
        if (obj.IsMarkedReferenceOnly)
        {
            marked.Add(obj);
        }

        foreach (var property in obj.Properties)
        {
            if (property.Value is LogObject child)
            {
                Collect(child, marked);
            }
        }
    }

    /// <summary>A record holding, under <paramref name="key"/>, a marked object of one member <c>lat</c>.</summary>
    private static (string Output, List<LogObject> Skipped) MaskMarked(string key, LogNode lat)
    {
        var record = LogRecordParser.TryParse("{\"a\":1}"u8.ToArray(), out _)!;
        var marked = new LogObject();
        marked.Set("lat", lat);
        marked.MarkReferenceOnly();
        record.Root.Set(key, marked);
        var skipped = new List<LogObject>();
        Mask(record, new MaskingOptions(), skipped);
        return (record.ToString(), skipped);
    }

    private static void Mask(LogRecord record, MaskingOptions options, List<LogObject> skipped)
    {
        var enricher = new PiiMaskingEnricher(options, new EnrichmentStatistics()) { SkipProbe = skipped.Add };
        enricher.Enrich(record);
    }

    private LogRecord Geo(string json)
    {
        var options = new GeoIpOptions { CityDatabasePath = _databases.CityPath, AsnDatabasePath = _databases.AsnPath };
        using var enricher = GeoIpEnricher.Create(options, new EnrichmentStatistics(), new FakeTimeProvider());
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection) ?? throw new ArgumentException(rejection!.Reason);
        enricher.Enrich(record);
        return record;
    }
}
