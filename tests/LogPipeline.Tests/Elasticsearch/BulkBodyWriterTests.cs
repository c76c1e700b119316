using System.Text;
using System.Text.Json;
using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class BulkBodyWriterTests
{
    [Fact]
    public void Each_record_becomes_an_action_line_with_its_origin_as_id_followed_by_its_document_unchanged()
    {
        var records = new[] { SomeLogRecords.Record("smm-logs-raw", 3, 12345), SomeLogRecords.Record("other", 0, 0) };

        var lines = Encoding.UTF8.GetString(new BulkBodyWriter("create").ToArray(records)).Split('\n');

        Assert.Equal(5, lines.Length);
        Assert.Equal("{\"create\":{\"_id\":\"smm-logs-raw:3:12345\"}}", lines[0]);
        Assert.Equal(Encoding.UTF8.GetString(records[0].Document.Span), lines[1]);
        Assert.Equal("{\"create\":{\"_id\":\"other:0:0\"}}", lines[2]);
        Assert.Equal("", lines[4]);
    }

    [Fact]
    public void A_record_routed_to_a_namespace_names_its_data_stream_and_others_use_the_requests_target()
    {
        var routed = SomeLogRecords.Record("t", 1, 7);
        routed.Namespace = "smm-prod";
        var records = new[] { routed, SomeLogRecords.Record("t", 1, 8) };

        var lines = Encoding.UTF8.GetString(new BulkBodyWriter("create", routedBaseName: "smm-logs").ToArray(records)).Split('\n');
        var unrouted = Encoding.UTF8.GetString(new BulkBodyWriter("index").ToArray(records)).Split('\n');

        Assert.Equal("{\"create\":{\"_index\":\"smm-logs-smm-prod\",\"_id\":\"t:1:7\"}}", lines[0]);
        Assert.Equal("{\"create\":{\"_id\":\"t:1:8\"}}", lines[2]);
        Assert.Equal("{\"index\":{\"_id\":\"t:1:7\"}}", unrouted[0]);
    }

    [Fact]
    public async Task A_streamed_body_is_the_built_body_byte_for_byte_across_chunk_boundaries()
    {
        // ~4,000 records of a few hundred bytes: several 64 KiB chunks, with lines cut at every possible place.
        var records = Enumerable.Range(0, 4_000).Select(i => SomeLogRecords.Record("smm-logs-raw", i % 7, i)).ToList();
        var writer = new BulkBodyWriter("create");
        var built = writer.ToArray(records);

        using var asyncStream = new MemoryStream();
        await writer.WriteToAsync(asyncStream, records, CancellationToken.None);
        using var syncStream = new MemoryStream();
        writer.WriteTo(syncStream, records);

        Assert.True(built.Length > 3 * BulkBodyWriter.StreamChunkBytes, $"{built.Length} bytes");
        Assert.Equal(built, asyncStream.ToArray());
        Assert.Equal(built, syncStream.ToArray());
    }

    [Fact]
    public void The_id_is_the_same_for_the_same_origin_and_differs_for_any_other()
    {
        var id = BulkBodyWriter.DocumentId(new RecordOrigin("t", 1, 2));

        Assert.Equal(id, BulkBodyWriter.DocumentId(new RecordOrigin("t", 1, 2)));
        Assert.NotEqual(id, BulkBodyWriter.DocumentId(new RecordOrigin("t", 2, 1)));
        Assert.NotEqual(id, BulkBodyWriter.DocumentId(new RecordOrigin("t", 1, 3)));
        Assert.NotEqual(BulkBodyWriter.DocumentId(new RecordOrigin("a-1", 2, 3)), BulkBodyWriter.DocumentId(new RecordOrigin("a", 12, 3)));
    }

    [Fact]
    public void A_topic_name_with_quotes_is_escaped_so_the_action_line_stays_valid_json()
    {
        var record = SomeLogRecords.Record("we\"ird\\topic", 0, long.MaxValue);

        var action = Encoding.UTF8.GetString(new BulkBodyWriter("index").ToArray([record])).Split('\n')[0];

        using var json = JsonDocument.Parse(action);
        Assert.Equal($"we\"ird\\topic:0:{long.MaxValue}", json.RootElement.GetProperty("index").GetProperty("_id").GetString());
    }

    [Fact]
    public void Only_create_and_index_operations_are_allowed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BulkBodyWriter("update"));
    }
}
