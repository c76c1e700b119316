namespace Enrichers.Geo;

/// <summary>A decoded database record the enricher writes from (<see cref="GeoCityRecord"/>,
/// <see cref="GeoAsnRecord"/>). It carries the data-section offset it was decoded from, so that
/// <see cref="RecordCache"/> can keep it without a wrapper: a look-up then reads the record it returns, and nothing
/// else, to check the offset.</summary>
internal abstract class GeoRecord
{
    private int _offset = -1;

    /// <summary>Where the record lies in its database's data section (-1 until it is kept).</summary>
    public int Offset => _offset;

    /// <summary>Sets <see cref="Offset"/>; called once, by the database that decoded the record, before any other
    /// thread can see it.</summary>
    internal void KeepAt(int offset) => _offset = offset;
}
