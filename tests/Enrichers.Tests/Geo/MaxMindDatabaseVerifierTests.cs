using Enrichers.Geo;
using LogPipeline.Demo.Geo;

namespace Enrichers.Tests.Geo;

public sealed class MaxMindDatabaseVerifierTests
{
    [Fact]
    public void A_database_from_the_writer_verifies()
    {
        MaxMindDatabaseVerifier.Verify(GeoTestDatabases.City("London").ToArray());
        MaxMindDatabaseVerifier.Verify(DemoGeoDatabases.CreateAsnWriter().ToArray());
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.Verify("{\"not\":\"mmdb\"}"u8));

        Assert.Contains("metadata", error.Message);
    }

    [Fact]
    public void A_truncated_database_is_refused()
    {
        var bytes = GeoTestDatabases.City("London").ToArray();

        Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.Verify(bytes.AsSpan(0, bytes.Length - 40)));
        Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.Verify(bytes.AsSpan(0, bytes.Length / 2)));
    }

    [Fact]
    public void A_search_tree_pointing_outside_the_data_section_is_refused()
    {
        var bytes = GeoTestDatabases.City("London").ToArray();

        // Node 0's left record (24-bit): point it far beyond the data section.
        bytes[0] = 0xFF;
        bytes[1] = 0xFF;
        bytes[2] = 0xF0;

        var error = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.Verify(bytes));
        Assert.Contains("outside the data section", error.Message);
    }

    [Fact]
    public void A_double_of_the_wrong_size_in_a_data_record_is_refused()
    {
        var writer = new MaxMindDatabaseWriter("Test");
        writer.Insert("1.2.3.0/24", new Dictionary<string, object> { ["d"] = 1.0 });
        var bytes = writer.ToArray();

        // key "d" (0x41 0x64), then the double's control byte (type 3, size 8 = 0x68): make it size 5.
        var at = bytes.AsSpan().IndexOf(new byte[] { 0x41, 0x64, 0x68 }) + 2;
        bytes[at] = 0x65;

        var error = Assert.Throws<InvalidDataException>(() => MaxMindDatabaseVerifier.Verify(bytes));
        Assert.Contains("double", error.Message);
    }
}
