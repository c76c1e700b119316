using System.Globalization;
using System.Text;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public sealed class IsoTimestampTests
{
    [Theory]
    [InlineData("2026-11-26T12:00:00Z")]
    [InlineData("2026-11-26T12:00:00.123Z")]
    [InlineData("2026-11-26T12:00:00.123456789Z")]
    [InlineData("2026-11-26 12:00:00.5")]
    [InlineData("2026-11-26T12:00:00.1+02:00")]
    [InlineData("2026-11-26T12:00:00-0530")]
    [InlineData("2024-02-29T23:59:59.999z")]
    [InlineData("1969-12-31T23:59:59.001Z")]
    public void Iso_timestamps_are_read_as_the_framework_reads_them(string text)
    {
        var expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        Assert.True(IsoTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out var ms));
        Assert.Equal(expected.ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("2026-02-30T12:00:00Z")]
    [InlineData("2026-13-01T12:00:00Z")]
    [InlineData("2026-11-26T24:00:00Z")]
    [InlineData("2026-11-26T12:00:00.Z")]
    [InlineData("2026-11-26T12:00:00Zjunk")]
    [InlineData("2026-11-26T12:00:00+2:00")]
    [InlineData("2026-11-26")]
    [InlineData("２０２６-11-26T12:00:00Z")]
    public void Anything_else_is_not_taken_by_the_fast_path(string text)
    {
        Assert.False(IsoTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }
}
