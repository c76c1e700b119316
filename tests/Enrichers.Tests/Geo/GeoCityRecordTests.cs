using System.Text.Json;
using Enrichers.Geo;
using Enrichers.Json;

namespace Enrichers.Tests.Geo;

/// <summary>A city record renders its <c>client.geo</c> object once and keeps its coordinates as slices of it: the
/// slices must be the literals a double is written as, wherever escapes and long names put them.</summary>
public sealed class GeoCityRecordTests
{
    public static TheoryData<string?, double, double> Cities => new()
    {
        { "London", 51.5142, -0.0931 },
        { "Say \"hi\" \\ Milton\u0001", 47.25, -122.3 },
        { "Linköping", 58.4167, 15.6167 },
        { null, -33.8688, 151.2093 },
        // Longer than the render buffer's first span, so the output grows between the name and the coordinates.
        { new string('x', 3000) + "\"", 1e-7, -179.99999999999997 },
    };

    public static TheoryData<string, int> GeoFieldIndexes => new()
    {
        { FieldNames.ClientGeoCountryIsoCode, GeoFieldWriter.CountryIsoCodeIndex },
        { FieldNames.ClientGeoCountryName, GeoFieldWriter.CountryNameIndex },
        { FieldNames.ClientGeoCityName, GeoFieldWriter.CityNameIndex },
        { FieldNames.ClientGeoRegionIsoCode, GeoFieldWriter.RegionIndex },
        { FieldNames.ClientGeoContinentCode, GeoFieldWriter.ContinentCodeIndex },
        { FieldNames.ClientGeoTimezone, GeoFieldWriter.TimeZoneIndex },
        { FieldNames.ClientGeoLocation, GeoFieldWriter.GeoTextCount },
    };

    [Theory]
    [MemberData(nameof(GeoFieldIndexes))]
    public void Each_geo_field_index_a_record_keeps_its_text_by_is_the_place_the_writer_writes_that_field_in(string path, int index)
    {
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        Assert.Equal(index, GeoFieldWriter.GeoLeafIndex(System.Text.Encoding.UTF8.GetBytes(leaf)));
    }

    [Theory]
    [MemberData(nameof(Cities))]
    public void The_coordinates_are_the_literals_a_double_is_written_as_and_the_rendered_object_holds_every_field(
        string? cityName, double latitude, double longitude)
    {
        var city = City(cityName, new MaxMindLocation(latitude, longitude, new GeoText("Europe/London")));

        Assert.Equal(LogLiteral.Number(latitude).RawUtf8.ToArray(), city.Latitude!.RawUtf8.ToArray());
        Assert.Equal(LogLiteral.Number(longitude).RawUtf8.ToArray(), city.Longitude!.RawUtf8.ToArray());
        using var json = JsonDocument.Parse(city.Json.ToArray());
        var geo = json.RootElement;
        Assert.Equal("GB", geo.GetProperty("country_iso_code").GetString());
        Assert.Equal(cityName, geo.TryGetProperty("city_name", out var name) ? name.GetString() : null);
        Assert.Equal("Europe/London", geo.GetProperty("timezone").GetString());
        Assert.Equal(latitude, geo.GetProperty("location").GetProperty("lat").GetDouble());
        Assert.Equal(longitude, geo.GetProperty("location").GetProperty("lon").GetDouble());
        Assert.Equal(cityName, city.CityName);
        Assert.Equal(cityName is null ? null : new GeoText(cityName).Utf8.ToArray(), city.CityNameText?.Utf8.ToArray());
    }

    [Fact]
    public void Every_text_read_back_from_the_rendered_object_is_the_value_and_the_bytes_it_was_made_from()
    {
        for (var present = 0; present < 128; present++)
        {
            var made = new GeoText?[]
            {
                Has(present, 0) ? new GeoText("GB") : null,
                Has(present, 1) ? new GeoText("A \"quoted\" land\u0001") : null,
                Has(present, 2) ? new GeoText("Linköping") : null,
                null,
                Has(present, 4) ? new GeoText("EU") : null,
                Has(present, 5) ? new GeoText("America/Argentina/Buenos_Aires") : null,
            };
            var city = new GeoCityRecord(
                continent: made[4] is null ? null : new MaxMindPlace(null, made[4], null, shareName: false),
                country: made[0] is null && made[1] is null ? null : new MaxMindPlace(made[0], null, made[1], shareName: false),
                subdivision: Has(present, 3) ? new MaxMindPlace(new GeoText("ENG"), null, null, shareName: false) : null,
                city: made[2] is null ? null : new MaxMindPlace(null, null, made[2], shareName: false),
                location: new MaxMindLocation(Has(present, 6) ? -33.8688 : null, 151.2093, made[5]),
                poolNames: false);
            made[3] = Has(present, 3) && Has(present, 0) ? new GeoText("GB-ENG") : null;

            var texts = new[] { city.CountryIsoCodeText, city.CountryNameText, city.CityNameText, city.RegionIsoCodeText, city.ContinentCodeText, city.TimeZoneText };
            for (var i = 0; i < made.Length; i++)
            {
                Assert.Equal(made[i]?.Value, texts[i]?.Value);
                Assert.Equal(made[i]?.Utf8.ToArray(), texts[i]?.Utf8.ToArray());
                Assert.Equal(made[i]?.HasEscapes, texts[i]?.HasEscapes);
                Assert.Same(texts[i], city.Text(i));
            }

            Assert.Equal(Has(present, 6) ? "-33.8688" : null, city.Latitude is { } lat ? System.Text.Encoding.UTF8.GetString(lat.RawUtf8) : null);
            Assert.Equal(Has(present, 6) ? "151.2093" : null, city.Longitude is { } lon ? System.Text.Encoding.UTF8.GetString(lon.RawUtf8) : null);
            Assert.Equal(made[3] is not null, city.HasRegion);
            Assert.Equal((present & 0b111_0111) != 0, city.HasFields);
        }
    }

    [Fact]
    public void Threads_that_read_a_shared_record_at_once_all_get_its_values()
    {
        var city = City("Say \"hi\"", new MaxMindLocation(51.5, -0.1, new GeoText("Europe/London")));
        var seen = new string?[64];

        Parallel.For(0, seen.Length, i => seen[i] = $"{city.CityName}|{city.TimeZone}|{city.CountryName}|{city.Latitude}|{city.Longitude}");

        Assert.All(seen, s => Assert.Equal("Say \"hi\"|Europe/London|United Kingdom|51.5|-0.1", s));
    }

    [Fact]
    public void A_record_without_both_coordinates_has_no_location_and_no_literals()
    {
        var city = City("London", new MaxMindLocation(51.5, null, (GeoText?)null));

        Assert.Null(city.Latitude);
        Assert.Null(city.Longitude);
        Assert.Equal("{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\",\"city_name\":\"London\"}",
            System.Text.Encoding.UTF8.GetString(city.Json));
    }

    [Fact]
    public void The_rendered_object_is_written_exactly_as_the_nodes_of_every_combination_of_fields_present()
    {
        // Each of the six texts and the location present or not, texts with escapes among them.
        for (var present = 0; present < 128; present++)
        {
            var city = new GeoCityRecord(
                continent: Has(present, 4) ? new MaxMindPlace(null, new GeoText("EU"), null, shareName: false) : null,
                country: Has(present, 0) || Has(present, 1)
                    ? new MaxMindPlace(Has(present, 0) ? new GeoText("GB") : null, null, Has(present, 1) ? new GeoText("A \"quoted\" land") : null, shareName: false)
                    : null,
                subdivision: Has(present, 3) ? new MaxMindPlace(new GeoText("ENG"), null, null, shareName: false) : null,
                city: Has(present, 2) ? new MaxMindPlace(null, null, new GeoText("Linköping"), shareName: false) : null,
                location: new MaxMindLocation(Has(present, 6) ? -33.8688 : null, 151.2093, Has(present, 5) ? new GeoText("Europe/London") : null),
                poolNames: false);
            var nodes = new LogObject();
            ((IDeferredMembers)city).AppendTo(nodes);
            var written = new LogRecord(nodes).ToString();

            Assert.Equal(written, System.Text.Encoding.UTF8.GetString(city.Json));
        }
    }

    private static bool Has(int present, int field) => (present & 1 << field) != 0;

    private static GeoCityRecord City(string? name, MaxMindLocation location) => new(
        continent: null,
        country: new MaxMindPlace(new GeoText("GB"), null, new GeoText("United Kingdom"), shareName: false),
        subdivision: null,
        city: name is null ? null : new MaxMindPlace(null, null, new GeoText(name), shareName: false),
        location: location,
        poolNames: false);
}
