using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>Formats a coordinate of a City database record as <see cref="LogLiteral.FormatNumber"/> does (the
/// shortest round-trip form), without the general double formatter for the values databases hold: decimals of at most
/// six places (MaxMind's have four). Such a value is written from its digits: the double nearest to
/// <c>digits / 10^6</c> is the value exactly when the division gives it back (both are correctly rounded), and no
/// shorter text can stand for it, since another decimal of at most six places lies at least 10^-6 away while the
/// value's neighbouring doubles lie far closer. Any other value, and those the general formatter writes in exponent
/// form or as <c>-0</c>, go to <see cref="LogLiteral.FormatNumber"/>.</summary>
internal static class GeoCoordinate
{
    private const int Places = 6;
    private const double Scale = 1_000_000;

    // Below 1e-4 the general formatter writes an exponent ("1E-05"); far below 1e6 the doubles' spacing stays well
    // under 10^-6.
    private const double Smallest = 1e-4;
    private const double Largest = 1e6;

    /// <summary>Writes a finite <paramref name="value"/> into <paramref name="destination"/> (at least
    /// <see cref="LogLiteral.MaxNumberLength"/> bytes); returns the length.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        var magnitude = Math.Abs(value);
        if (!(magnitude >= Smallest && magnitude < Largest))
        {
            return LogLiteral.FormatNumber(value, destination);
        }

        var scaled = Math.Round(magnitude * Scale);
        if (scaled / Scale != magnitude)
        {
            return LogLiteral.FormatNumber(value, destination);
        }

        var digits = (long)scaled;
        var whole = digits / (long)Scale;
        var fraction = (int)(digits - whole * (long)Scale);
        var at = 0;
        if (value < 0)
        {
            destination[at++] = (byte)'-';
        }

        at += WriteDigits(whole, destination[at..]);
        if (fraction == 0)
        {
            return at;
        }

        // The fraction's places, without the trailing zeros.
        var places = Places;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            places--;
        }

        destination[at++] = (byte)'.';
        for (var i = places - 1; i >= 0; i--)
        {
            destination[at + i] = (byte)('0' + fraction % 10);
            fraction /= 10;
        }

        return at + places;
    }

    private static int WriteDigits(long value, Span<byte> destination)
    {
        var length = 1;
        for (var rest = value / 10; rest > 0; rest /= 10)
        {
            length++;
        }

        for (var i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }

        return length;
    }
}
