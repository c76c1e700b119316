using Enrichers.Geo;
using Enrichers.Json;

namespace Enrichers.Tests.Geo;

/// <summary>A coordinate is written as <see cref="LogLiteral.FormatNumber"/> writes it, whichever path formats it.</summary>
public sealed class GeoCoordinateTests
{
    public static TheoryData<double> EdgeValues => new()
    {
        0.0, -0.0, 1e-4, -1e-4, 9.9999e-5, 0.00010000000000000002, 1e-5, 5e-7, 0.000123, 0.1, 0.2, 0.3, 1.0 / 3, 52.0,
        -52.0, 90, -90, 180, -180, 179.99999999999997, -179.99999999999997, 51.5142, -0.0931, 999_999.999999, 1e6,
        -1e6, 123_456.7, 1e15, 1e16, 1.7976931348623157e308, double.Epsilon, -double.Epsilon,
        2.2250738585072014e-308, 4503599627370496.5, 0.1 + 0.2, 37.7749295, -122.4194155,
    };

    [Theory]
    [MemberData(nameof(EdgeValues))]
    public void A_value_at_an_edge_of_the_short_path_is_written_as_the_general_formatter_writes_it(double value) =>
        Assert.Equal(General(value), Formatted(value));

    [Fact]
    public void Every_coordinate_of_four_decimal_places_is_written_as_the_general_formatter_writes_it()
    {
        // Every latitude and longitude MaxMind's databases can hold at their precision, and both signs of each.
        var mismatches = new List<string>();
        for (var i = -1_800_000; i <= 1_800_000 && mismatches.Count < 10; i++)
        {
            Compare(i / 10_000.0, mismatches);
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void Values_of_up_to_six_places_and_any_other_doubles_are_written_as_the_general_formatter_writes_them()
    {
        var random = new Random(20261207);
        var mismatches = new List<string>();
        for (var i = 0; i < 1_000_000 && mismatches.Count < 10; i++)
        {
            // Six, five, three places at any magnitude the short path takes, then arbitrary doubles near it and anywhere.
            var scaled = random.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
            Compare(scaled / 1e6, mismatches);
            Compare(scaled / 1e5 / 1e3, mismatches);
            Compare(random.Next(-1_000_000, 1_000_000) / 1e3, mismatches);
            var near = scaled / 1e6;
            Compare(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(near) + random.Next(-3, 4)), mismatches);
            Compare((random.NextDouble() - 0.5) * 360, mismatches);
            var any = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (double.IsFinite(any))
            {
                Compare(any, mismatches);
            }
        }

        Assert.Empty(mismatches);
    }

    private static void Compare(double value, List<string> mismatches)
    {
        if (General(value) is var expected && Formatted(value) is var actual && expected != actual)
        {
            mismatches.Add($"{value:R}: {actual} (expected {expected})");
        }
    }

    private static string General(double value)
    {
        Span<byte> text = stackalloc byte[LogLiteral.MaxNumberLength];
        return System.Text.Encoding.ASCII.GetString(text[..LogLiteral.FormatNumber(value, text)]);
    }

    private static string Formatted(double value)
    {
        Span<byte> text = stackalloc byte[LogLiteral.MaxNumberLength];
        return System.Text.Encoding.ASCII.GetString(text[..GeoCoordinate.Format(value, text)]);
    }
}
