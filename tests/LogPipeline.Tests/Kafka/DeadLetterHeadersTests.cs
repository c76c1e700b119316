using System.Text;
using Confluent.Kafka;
using LogPipeline.Elasticsearch;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Tests.Kafka;

public sealed class DeadLetterHeadersTests
{
    private static readonly RecordOrigin Origin = new("smm-logs-raw", 7, 1_234_567);

    [Fact]
    public void The_identity_of_a_dead_letter_record_is_the_document_id_its_origin_record_gets_in_Elasticsearch()
    {
        Assert.Equal("smm-logs-raw:7:1234567", DeadLetterHeaders.OriginId(Origin));
        Assert.Equal(BulkBodyWriter.DocumentId(Origin), DeadLetterHeaders.OriginId(Origin));
    }

    [Fact]
    public void The_headers_of_a_dead_letter_record_give_back_its_origin_and_identity()
    {
        var record = new PipelineRecord { Origin = Origin, Value = "x"u8.ToArray(), Timestamp = DateTimeOffset.UnixEpoch };
        var headers = DeadLetterHeaders.Create(record, "invalid_json", "cut off", new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc));

        Assert.True(DeadLetterHeaders.TryReadOrigin(headers, out var origin));
        Assert.Equal(Origin, origin);
        Assert.Equal("smm-logs-raw:7:1234567", Encoding.UTF8.GetString(headers.GetLastBytes(DeadLetterHeaders.OriginIdentity)));
    }

    [Theory]
    [InlineData(null, "3", "4")]
    [InlineData("", "3", "4")]
    [InlineData("t", null, "4")]
    [InlineData("t", "3", null)]
    [InlineData("t", "-3", "4")]
    [InlineData("t", "3", "four")]
    public void A_record_without_a_named_topic_and_numeric_partition_and_offset_has_no_origin(string? topic, string? partition, string? offset)
    {
        var headers = new Headers();
        foreach (var (name, value) in new[] { (DeadLetterHeaders.OriginTopic, topic), (DeadLetterHeaders.OriginPartition, partition), (DeadLetterHeaders.OriginOffset, offset) })
        {
            if (value is not null)
            {
                headers.Add(name, Encoding.UTF8.GetBytes(value));
            }
        }

        Assert.False(DeadLetterHeaders.TryReadOrigin(headers, out _));
    }
}
