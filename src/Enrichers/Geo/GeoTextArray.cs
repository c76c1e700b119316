using System.Runtime.CompilerServices;

namespace Enrichers.Geo;

/// <summary>The texts of a City record's geo fields in <see cref="GeoFieldWriter"/>'s order, on the stack while the
/// record is rendered.</summary>
[InlineArray(GeoFieldWriter.GeoTextCount)]
internal struct GeoTextArray
{
    private GeoText? _text;
}
