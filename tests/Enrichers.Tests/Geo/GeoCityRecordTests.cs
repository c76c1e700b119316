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
