namespace Enrichers.Masking;

/// <summary>A set of pairs of 7-bit characters, as a 2 KiB bitmap.</summary>
internal sealed class PairSet
{
    private readonly ulong[] _bits = new ulong[128 * 128 / 64];

    public void Add(int pair) => _bits[pair >> 6] |= 1UL << (pair & 63);

    public void AddAllPairs() => Array.Fill(_bits, ulong.MaxValue);

    public bool Contains(int pair) => (_bits[pair >> 6] & (1UL << (pair & 63))) != 0;
}
