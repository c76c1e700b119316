using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LogPipeline.Bench.Enrichment;

/// <summary>The floor the chain is compared with: parse a line with Utf8JsonReader and write it back with
/// Utf8JsonWriter, doing nothing else (what FINDINGS.md measured at 0.75–0.85M lines per CPU-second).</summary>
public sealed class BareJsonRoundTrip
{
    private readonly Utf8JsonWriter _writer;

    public BareJsonRoundTrip(IBufferWriter<byte> output) =>
        _writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public void RoundTrip(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        _writer.Reset(output);
        var reader = new Utf8JsonReader(line);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    _writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    _writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    _writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    _writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    if (reader.ValueIsEscaped)
                    {
                        _writer.WritePropertyName(reader.GetString()!);
                    }
                    else
                    {
                        _writer.WritePropertyName(reader.ValueSpan);
                    }

                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped)
                    {
                        _writer.WriteStringValue(reader.GetString());
                    }
                    else
                    {
                        _writer.WriteStringValue(reader.ValueSpan);
                    }

                    break;
                case JsonTokenType.Number:
                    _writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                    _writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    _writer.WriteBooleanValue(false);
                    break;
                case JsonTokenType.Null:
                    _writer.WriteNullValue();
                    break;
            }
        }

        _writer.Flush();
    }
}
