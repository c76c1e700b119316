namespace Enrichers.Geo;

/// <summary>The data-section offsets of a database whose data (with everything it points to) has been verified:
/// one bit per byte of the section. The file is immutable while it is open, so data verified once stays sound,
/// and a record decoded again after it left the record cache, or the country and continent maps that many
/// records point to, are not verified again. Thread-safe: two threads that verify the same record at once both
/// do the work and set the same bit.</summary>
internal sealed class VerifiedOffsets
{
    private readonly int[] _bits;

    public VerifiedOffsets(int sectionSize) => _bits = new int[(sectionSize + 31) / 32];

    public bool Contains(int offset) => (Volatile.Read(ref _bits[offset >> 5]) & (1 << (offset & 31))) != 0;

    public void Add(int offset) => Interlocked.Or(ref _bits[offset >> 5], 1 << (offset & 31));
}
