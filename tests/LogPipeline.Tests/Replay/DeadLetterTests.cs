using System.Text;
using Confluent.Kafka;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Replay;

namespace LogPipeline.Tests.Replay;

public sealed class DeadLetterTests
{
    private static readonly DateTime DeadLetteredAt = new(2026, 12, 7, 4, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_dead_letter_written_by_the_worker_gives_back_its_origin_reason_and_original_value()
    {
        var record = new PipelineRecord
        {
            Origin = new RecordOrigin("smm-logs-raw", 7, 1_234_567),
            Value = "{\"a\":"u8.ToArray(),
            Timestamp = new DateTimeOffset(2026, 12, 7, 3, 59, 0, TimeSpan.Zero),
        };

        var letter = DeadLetter.From(Consumed(DeadLetterHeaders.Create(record, "invalid_json", "cut off", DeadLetteredAt), record.Value.ToArray()));

        Assert.Equal(record.Origin, letter.Origin);
        Assert.Equal(record.Timestamp, letter.OriginTimestamp);
        Assert.Equal("invalid_json", letter.ReasonCode);
        Assert.False(letter.Truncated);
        Assert.Equal(record.Value.ToArray(), letter.Value);
        Assert.Equal(new DateTimeOffset(DeadLetteredAt), letter.DeadLetteredAt);
    }

    [Theory]
    [InlineData("", "3", "4")]
    [InlineData(null, "3", "4")]
    [InlineData("smm-logs-raw", "three", "4")]
    [InlineData("smm-logs-raw", "3", null)]
    public void A_dead_letter_without_a_named_topic_and_numeric_partition_and_offset_has_no_origin(string? topic, string? partition, string? offset)
    {
        var headers = new Headers();
        foreach (var (name, value) in new[] { (DeadLetterHeaders.OriginTopic, topic), (DeadLetterHeaders.OriginPartition, partition), (DeadLetterHeaders.OriginOffset, offset) })
        {
            if (value is not null)
            {
                headers.Add(name, Encoding.UTF8.GetBytes(value));
            }
        }

        var letter = DeadLetter.From(Consumed(headers, "x"u8.ToArray()));

        Assert.Null(letter.Origin);
        Assert.Equal(DeadLetter.UnknownReason, letter.ReasonCode);
    }

    [Fact]
    public void A_record_without_headers_reads_as_a_dead_letter_of_unknown_origin_and_reason()
    {
        var letter = DeadLetter.From(Consumed(null, null));

        Assert.Null(letter.Origin);
        Assert.Equal(DeadLetter.UnknownReason, letter.ReasonCode);
        Assert.Empty(letter.Value);
    }

    private static ConsumeResult<byte[]?, byte[]?> Consumed(Headers? headers, byte[]? value) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("smm-logs-raw.dlq", 0, 12),
        Message = new Message<byte[]?, byte[]?> { Headers = headers, Value = value, Timestamp = new Timestamp(DeadLetteredAt) },
    };
}
