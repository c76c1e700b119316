using LogPipeline.Elasticsearch;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Tests.Pipeline;

public sealed class RecordOriginTests
{
    [Fact]
    public void A_message_is_identified_by_topic_partition_and_offset_joined_by_colons()
    {
        Assert.Equal("smm-logs-raw:11:9223372036854775807", new RecordOrigin("smm-logs-raw", 11, long.MaxValue).MessageId);
    }

    [Fact]
    public void The_document_id_and_the_dead_letter_identity_of_a_message_are_its_message_id()
    {
        var origin = new RecordOrigin("a.b_c-d", 0, 0);

        Assert.Equal(origin.MessageId, BulkBodyWriter.DocumentId(origin));
        Assert.Equal(origin.MessageId, DeadLetterHeaders.OriginId(origin));
    }
}
