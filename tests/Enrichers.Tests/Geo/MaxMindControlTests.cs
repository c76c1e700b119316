using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

/// <summary><see cref="MaxMindDatabaseVerifier.ReadControl"/> decodes the common shapes on a path of its own: for every
/// control byte, extended type and pointer, cut off anywhere, it gives what the general path gives, errors
/// included.</summary>
public sealed class MaxMindControlTests
{
    [Fact]
    public void Every_control_gives_what_the_general_path_gives_however_the_section_is_cut()
    {
        var mismatches = new List<string>();
        for (var control = 0; control < 256; control++)
        {
            // The second byte matters to extended types and pointers (every value), otherwise only as payload.
            var seconds = control >> 5 is 0 or 1 ? Enumerable.Range(0, 256) : [0, 1, 8, 0x7F, 0xFF];
            foreach (var second in seconds)
            {
                byte[] bytes = [0xEE, (byte)control, (byte)second, 0x12, 0xFE, 0x56, 0x78];
                for (var length = 2; length <= bytes.Length; length++)
                {
                    var section = bytes.AsSpan(0, length).ToArray();
                    var expected = Outcome(() => MaxMindDatabaseVerifier.ReadControlInGeneral(section, 1));
                    var actual = Outcome(() => MaxMindDatabaseVerifier.ReadControl(section, 1));
                    if (expected != actual)
                    {
                        mismatches.Add($"{Convert.ToHexString(section)}: {actual} (expected {expected})");
                    }
                }
            }
        }

        Assert.Empty(mismatches.Take(10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void An_offset_outside_the_section_is_refused_as_the_general_path_refuses_it(int offset)
    {
        byte[] section = [0x42, 0x65, 0x6E];

        var expected = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.ReadControlInGeneral(section, offset));
        var actual = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.ReadControl(section, offset));

        Assert.Equal(expected.Message, actual.Message);
    }

    private static string Outcome(Func<(int Type, long Size, int Next)> read)
    {
        try
        {
            return read().ToString();
        }
        catch (InvalidDataException ex)
        {
            return "refused: " + ex.Message;
        }
    }
}
