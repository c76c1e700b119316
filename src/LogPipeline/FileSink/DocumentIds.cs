using System.Buffers.Text;
using System.Text;
using LogPipeline.Pipeline;

namespace LogPipeline.FileSink;

/// <summary>The document <c>_id</c> derived from a record's origin: <c>topic:partition:offset</c> (with <c>:index</c> for
/// the documents of a batch), the same as the Elasticsearch sink's
/// (<see cref="Elasticsearch.BulkBodyWriter.DocumentId"/>). Deterministic, so
/// a redelivered record gets the same <c>_id</c> and op <c>create</c> answers 409 instead of duplicating.</summary>
internal static class DocumentIds
{
    /// <summary>Longest possible id: a 249-character topic name, three separators, two ints and a long.</summary>
    public const int MaxLength = 249 + 1 + 11 + 1 + 20 + 1 + 11;

    public static int Format(RecordOrigin origin, Span<byte> destination)
    {
        // Kafka topic names are [a-zA-Z0-9._-]: nothing to escape in JSON.
        var written = Encoding.UTF8.GetBytes(origin.Topic, destination);
        destination[written++] = (byte)':';
        Utf8Formatter.TryFormat(origin.Partition, destination[written..], out var n);
        written += n;
        destination[written++] = (byte)':';
        Utf8Formatter.TryFormat(origin.Offset, destination[written..], out n);
        written += n;
        if (origin.Index >= 0)
        {
            destination[written++] = (byte)':';
            Utf8Formatter.TryFormat(origin.Index, destination[written..], out n);
            written += n;
        }

        return written;
    }

    public static string Format(RecordOrigin origin) => Elasticsearch.BulkBodyWriter.DocumentId(origin);
}
