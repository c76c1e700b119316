using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

/// <summary><see cref="MaxMindDatabaseVerifier.VerifyRecord(ReadOnlySpan{byte}, int, VerifiedOffsets?)"/> moves past a
/// pointer to data verified before without walking it again: these hold that it refuses every damaged record as it does
/// with nothing verified, whatever the record's pointers lead to.</summary>
public sealed class MaxMindRecordVerificationTests
{
    // A data section: the key "en" (offset 0), the shared value "X" (offset 3), a double (offset 5), then a record
    // (offset 14) of two entries: "en" (a pointer to 0) => pointer to 3, "en" (a pointer to 0) => "Y" in place.
    private const int Record = 14;

    private static byte[] Section() =>
    [
        0x42, (byte)'e', (byte)'n', 0x41, (byte)'X', 0x68, 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18,
        0xE2, 0x20, 0x00, 0x20, 0x03, 0x20, 0x00, 0x41, (byte)'Y',
    ];

    [Fact]
    public void A_sound_record_whose_pointers_lead_to_verified_data_verifies_and_is_added()
    {
        var data = Section();
        var verified = SharedDataVerified(data);

        MaxMindDatabaseVerifier.VerifyRecord(data, Record, verified);

        Assert.True(verified.Contains(Record));
    }

    [Theory]
    [InlineData(18, 0xFF)] // the value pointer leads outside the section
    [InlineData(16, 0x05)] // the first key leads to the double, verified data but not a string
    [InlineData(20, 0x03)] // the second key leads to "X": still a string, then its value is checked
    [InlineData(22, 0xFF)] // the value in place is not UTF-8
    [InlineData(21, 0x64)] // the value in place is a double of four bytes
    [InlineData(15, 0x64)] // the first key is a double in place
    public void A_damaged_record_is_refused_as_it_is_with_nothing_verified(int at, byte value)
    {
        var data = Section();
        data[at] = value;
        var verified = SharedDataVerified(data);

        var expected = Refusal(data, Record, new VerifiedOffsets(data.Length));
        var refusal = Refusal(data, Record, verified);

        if (at == 20)
        {
            Assert.Null(expected);
            Assert.Null(refusal);
            return;
        }

        Assert.NotNull(expected);
        Assert.Equal(expected, refusal);
        Assert.False(verified.Contains(Record));
    }

    [Fact]
    public void A_pointer_to_verified_data_nested_too_deeply_is_refused()
    {
        // 33 maps, each the value of the one before under the key "en"; the last holds "en" => pointer to "X", one
        // level deeper than the verifier walks.
        var data = new List<byte>(Section()[..Record]);
        for (var i = 0; i < 32; i++)
        {
            data.AddRange([0xE1, 0x20, 0x00]);
        }

        data.AddRange([0xE1, 0x20, 0x00, 0x20, 0x03]);
        var section = data.ToArray();
        var verified = SharedDataVerified(section);

        var expected = Refusal(section, Record, new VerifiedOffsets(section.Length));
        var refusal = Refusal(section, Record, verified);

        Assert.Contains("nested deeper", expected);
        Assert.Equal(expected, refusal);
    }

    private static VerifiedOffsets SharedDataVerified(byte[] data)
    {
        var verified = new VerifiedOffsets(data.Length);
        MaxMindDatabaseVerifier.VerifyRecord(data, 0, verified);
        MaxMindDatabaseVerifier.VerifyRecord(data, 3, verified);
        MaxMindDatabaseVerifier.VerifyRecord(data, 5, verified);
        Assert.True(verified.Contains(0) && verified.Contains(3) && verified.Contains(5));
        return verified;
    }

    private static string? Refusal(byte[] data, int record, VerifiedOffsets verified)
    {
        try
        {
            MaxMindDatabaseVerifier.VerifyRecord(data, record, verified);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
    }
}
