using System.Diagnostics;
using System.Text.Json;
using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>The values of a <see cref="GeoCityRecord"/> as texts and number literals, read back from its rendered
/// <c>client.geo</c> object the first time something asks for them: a record written as a deferred object (nearly
/// every one) never needs them, and keeping them in every record made it markedly larger (docs/geoip.md § Cache gives the bytes), which bounds how many
/// records the cache can keep (docs/geoip.md § Memory).</summary>
internal sealed class GeoCityValues
{
    private readonly GeoText?[] _texts = new GeoText?[GeoFieldWriter.GeoTextCount];

    /// <param name="json">The rendered object (<see cref="GeoFieldWriter.RenderGeo"/>): its members are the geo leaves
    /// in their order, texts as JSON strings, the location an object of two numbers.</param>
    public GeoCityValues(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var memory = json.AsMemory();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = GeoFieldWriter.GeoLeafIndex(reader.ValueSpan);
            reader.Read();
            if (index < 0)
            {
                // Not a member RenderGeo writes, so never met (its tests render every combination of fields); were it
                // met, a value read where it is not is worse than one missing, and objects made lazily must not throw.
                Debug.Fail("A geo object holds a member RenderGeo does not write.");
                reader.Skip();
                continue;
            }

            if (index < _texts.Length)
            {
                // The string's bytes as written (escaped where JSON requires), which new string nodes point to.
                var start = (int)reader.TokenStartIndex + 1;
                _texts[index] = new GeoText(memory.Slice(start, reader.ValueSpan.Length),
                    reader.ValueIsEscaped ? reader.GetString() : null, reader.ValueIsEscaped);
                continue;
            }

            reader.Read();
            Latitude = Number(ref reader, memory);
            reader.Read();
            Longitude = Number(ref reader, memory);
            reader.Read();
        }
    }

    public GeoText? Text(int index) => _texts[index];

    public LogLiteral? Latitude { get; }

    public LogLiteral? Longitude { get; }

    /// <summary>The number after the property name at the reader, as written in the object.</summary>
    private static LogLiteral Number(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        reader.Read();
        return LogLiteral.FromRaw(LogNodeKind.Number, json.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length));
    }
}
