using System.Text.Json;

namespace LogPipeline.Elasticsearch;

/// <summary>Reads the per-item outcome of a <c>_bulk</c> response straight from its UTF-8 bytes: status, and for
/// failed items the error type, reason and the cause's reason. The typed client response builds an object graph
/// per item (index, id, shards, version, sequence numbers...) that the sink never reads; on a 5000-document
/// batch that was a measurable share of the worker's CPU and allocations. Strings are only made for errors.</summary>
internal static class BulkResponseReader
{
    /// <summary>The <c>filter_path</c> the sink asks for: the fields this reader reads, nothing else. Whole-request
    /// errors are not filtered by Elasticsearch.</summary>
    public const string FilterPath = "errors,items.*.status,items.*.error";

    /// <summary>One item's outcome, in request order.</summary>
    internal readonly record struct Item(int Status, string? ErrorType, string? ErrorReason, string? CausedByReason);

    /// <summary>Parses the items of <paramref name="json"/> into <paramref name="items"/> (cleared first). Returns
    /// false when the body is not a bulk response (no <c>items</c> array, or malformed JSON).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, List<Item> items)
    {
        items.Clear();
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("items"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                found = true;
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    // {"create":{...}}: one property named after the operation.
                    if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.Read()
                        || reader.TokenType != JsonTokenType.StartObject)
                    {
                        return false;
                    }

                    items.Add(ReadItem(ref reader));
                    if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
                    {
                        return false;
                    }
                }

                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    return false;
                }
            }

            return found;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Positioned on the item's StartObject; returns positioned on its EndObject.
    private static Item ReadItem(ref Utf8JsonReader reader)
    {
        var status = 0;
        string? type = null, reason = null, cause = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                status = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var s) ? s : 0;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    (type, reason, cause) = ReadError(ref reader);
                }
                else
                {
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Item(status, type, reason, cause);
    }

    private static (string? Type, string? Reason, string? CausedBy) ReadError(ref Utf8JsonReader reader)
    {
        string? type = null, reason = null, cause = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("reason"u8))
            {
                reader.Read();
                reason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("caused_by"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    (_, cause, _) = ReadError(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (type, reason, cause);
    }
}
