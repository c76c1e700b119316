namespace Enrichers.Geo;

/// <summary>What <see cref="MaxMindRecordReader"/> keeps of one database's shared data, by the offset pointers point to: MaxMind's
/// files store a country, continent, subdivision or city once and point to it from every record that has it, so
/// a record decoded for the first time mostly reuses places and strings already made.</summary>
internal sealed class DecodedValues
{
    /// <summary>Places (maps reached through a pointer): 16,384 slots, enough for every country, continent and
    /// subdivision and the most recently met cities.</summary>
    public OffsetCache<MaxMindPlace> Places { get; } = new(14);

    /// <summary>Subdivision arrays reached through a pointer, as their last place: 16,384 slots, as many as they could
    /// take when they shared <see cref="Places"/>' slots. Kept apart from <see cref="Places"/> because both are looked up
    /// by the pointer's target without reading it: a map read as a place must not answer for an array, whatever a file
    /// points to.</summary>
    public OffsetCache<MaxMindPlace> Subdivisions { get; } = new(14);

    /// <summary>Strings reached through a pointer: 4,096 slots.</summary>
    public OffsetCache<GeoText> Strings { get; } = new(12);
}
