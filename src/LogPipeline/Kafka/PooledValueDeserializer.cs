using Confluent.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Kafka;

/// <summary>Copies each message value straight from librdkafka's buffer into a record slab, instead of into a new
/// array per message. Called on the consume thread only, which owns the writer.</summary>
internal sealed class PooledValueDeserializer(RecordBufferWriter writer) : IDeserializer<RecordBuffer>
{
    public RecordBuffer Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull ? default : writer.Copy(data);
}
