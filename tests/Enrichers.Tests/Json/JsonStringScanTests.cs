using System.Runtime.Intrinsics;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

/// <summary>The vectorized search for a string's end must give the byte-at-a-time answer (and the framework's
/// <c>IndexOfAny</c> over the same bytes) for every length and every position of the stop, with and without
/// non-ASCII bytes before and after it: the vectors' first load, their loop and the overlapping last load each
/// handle a different range of positions; the search without 32-byte vectors is held to the same answers.</summary>
public sealed class JsonStringScanTests
{
    // Every stop byte's kind, and bytes just beside the ranges that stop: 0x1F/0x20, '!' after '"', '[' and ']'
    // around '\\', 0x7F/0x80 and 0xFF.
    private static readonly byte[] Stops = [(byte)'"', (byte)'\\', 0x00, 0x01, 0x1F];
    private static readonly byte[] Fillers = [(byte)'a', 0x20, (byte)'!', (byte)'[', (byte)']', 0x7F];
    private static readonly byte[] HighBytes = [0x80, 0xC3, 0xFF];

    [Fact]
    public void Every_stop_at_every_position_of_every_length_up_to_130_is_found_as_the_scalar_search_finds_it()
    {
        var checkedCases = 0;
        for (var length = 0; length <= 130; length++)
        {
            foreach (var filler in Fillers)
            {
                var buffer = Filled(length, filler);
                AssertAllAgree(buffer);
                checkedCases++;
                for (var at = 0; at < length; at++)
                {
                    foreach (var stop in Stops)
                    {
                        buffer[at] = stop;
                        AssertAllAgree(buffer);
                        Assert.Equal(at, JsonStringScan.IndexOfStop(buffer).Stop);
                        buffer[at] = filler;
                        checkedCases++;
                    }
                }
            }
        }

        Assert.True(checkedCases > 200_000, $"{checkedCases} cases");
    }

    [Fact]
    public void A_non_ascii_byte_counts_only_before_the_stop_at_every_pair_of_positions()
    {
        foreach (var length in (int[])[1, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 127, 128, 129, 130, 200])
        {
            for (var stop = -1; stop < length; stop++)
            {
                for (var high = 0; high < length; high++)
                {
                    if (high == stop)
                    {
                        continue;
                    }

                    foreach (var value in HighBytes)
                    {
                        var buffer = Filled(length, (byte)'x');
                        if (stop >= 0)
                        {
                            buffer[stop] = (byte)'"';
                        }

                        buffer[high] = value;
                        AssertAllAgree(buffer);
                        Assert.Equal(stop < 0 || high < stop, JsonStringScan.IndexOfStop(buffer).NonAscii);
                    }
                }
            }
        }
    }

    [Fact]
    public void Random_bytes_at_every_length_give_the_scalar_answer()
    {
        var random = new Random(20261207);
        for (var round = 0; round < 20_000; round++)
        {
            var buffer = new byte[random.Next(0, 200)];
            random.NextBytes(buffer);

            // Mostly printable text with a rare stop and high byte, as strings in records are.
            for (var k = 0; k < buffer.Length; k++)
            {
                if (buffer[k] < 0x20 || buffer[k] == (byte)'"' || buffer[k] == (byte)'\\' || buffer[k] >= 0x80)
                {
                    buffer[k] = random.Next(16) == 0 ? buffer[k] : (byte)(0x20 + (buffer[k] % 0x5F));
                }
            }

            AssertAllAgree(buffer);
        }
    }

    [Fact]
    public void A_search_inside_a_longer_buffer_never_looks_past_the_span_it_was_given()
    {
        // The stop right after the span's end must not be reported: the vectors' last load is inside the span.
        for (var length = 0; length <= 100; length++)
        {
            var buffer = Filled(length + 1, (byte)'a');
            buffer[length] = (byte)'"';
            var span = buffer.AsSpan(0, length);

            Assert.Equal(-1, JsonStringScan.IndexOfStop(span).Stop);
            if (Vector256.IsHardwareAccelerated)
            {
                Assert.Equal(-1, JsonStringScan.IndexOfStop256(span).Stop);
            }

            Assert.Equal(-1, JsonStringScan.SearchFramework(span).Stop);
        }
    }

    private static byte[] Filled(int length, byte filler)
    {
        var buffer = new byte[length];
        buffer.AsSpan().Fill(filler);
        return buffer;
    }

    private static void AssertAllAgree(byte[] buffer)
    {
        var expected = JsonStringScan.IndexOfStopScalar(buffer);
        Assert.Equal(buffer.AsSpan().IndexOfAny(JsonOutput.MustEscapeUtf8), expected.Stop);
        var before = expected.Stop < 0 ? buffer : buffer.AsSpan(0, expected.Stop).ToArray();
        Assert.Equal(before.Any(b => b >= 0x80), expected.NonAscii);

        Assert.Equal(expected, JsonStringScan.IndexOfStop(buffer));
        if (Vector256.IsHardwareAccelerated)
        {
            Assert.Equal(expected, JsonStringScan.IndexOfStop256(buffer));
        }

        Assert.Equal(expected, JsonStringScan.SearchFramework(buffer));
    }
}
