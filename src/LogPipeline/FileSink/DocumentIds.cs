using System.Buffers.Text;
using System.Text;
using LogPipeline.Pipeline;

namespace LogPipeline.FileSink;

/// <summary>The document <c>_id</c> derived from a record's origin: <c>topic:partition:offset</c>, the same as the Elasticsearch sink's
/// (<see cref="Elasticsearch.BulkBodyWriter.DocumentId"/>). Deterministic, so
/// a redelivered record gets the same <c>_id</c> and op <c>create</c> answers 409 instead of duplicating.</summary>
internal static class DocumentIds
{
    /// <summary>Longest possible id: a 249-character topic name, two separators, an int and a long.</summary>
    public const int MaxLength = 249 + 1 + 11 + 1 + 20;

    public static int Format(RecordOrigin origin, Span<byte> destination)
    {
        // Kafka topic names are [a-zA-Z0-9._-]: nothing to escape in JSON.
        var written = Encoding.UTF8.GetBytes(origin.Topic, destination);
        destination[written++] = (byte)':';
        Utf8Formatter.TryFormat(origin.Partition, destination[written..], out var n);
        written += n;
        destination[written++] = (byte)':';
        Utf8Formatter.TryFormat(origin.Offset, destination[written..], out n);
        return written + n;
    }

    public static string Format(RecordOrigin origin) => Elasticsearch.BulkBodyWriter.DocumentId(origin);
}
