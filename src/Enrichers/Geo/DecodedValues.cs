namespace Enrichers.Geo;

/// <summary>What <see cref="MaxMindRecordReader"/> keeps of one database's shared data, by offset: MaxMind's
/// files store a country, continent, subdivision or city once and point to it from every record that has it, so
/// a record decoded for the first time mostly reuses places and strings already made.</summary>
internal sealed class DecodedValues
{
    /// <summary>Places (maps reached through a pointer): 16,384 slots, enough for every country, continent and
    /// subdivision and the most recently met cities.</summary>
    public OffsetCache<MaxMindPlace> Places { get; } = new(14);

    /// <summary>Strings reached through a pointer: 4,096 slots.</summary>
    public OffsetCache<GeoText> Strings { get; } = new(12);
}
