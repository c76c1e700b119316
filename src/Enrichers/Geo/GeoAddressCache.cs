using System.Numerics;

namespace Enrichers.Geo;

/// <summary>Recent lookups by address: what a lookup found (the records, the outcome) and, under the <c>hmac</c>
/// policy, the token, so that a client seen again costs no tree walk and no HMAC. A fixed array of
/// <see cref="GeoAddressCache.Capacity"/> slots in sets of two (an address can only be in its set), written and read
/// without a lock and without allocation: with distinct addresses every lookup misses and replaces an entry, so
/// neither may cost more than a few memory accesses. Each slot has a version (odd while it is written) read before
/// and after its fields, so a reader never takes the fields of two entries for one; writers that race for a slot
/// skip it. Thread-safe.
/// <para>Adaptive: when clients do not repeat (one new address per record), looking each up and storing it costs
/// more than the few hits save. So one address in <see cref="SampleEvery"/> (chosen by its hash, so an address is
/// always or never a sample) is always looked up and kept, and counts the hits; the others use the cache only while
/// at least one sample lookup in <see cref="WorthwhileHitRatio"/> hits, judged every <see cref="SamplesPerVerdict"/>
/// sample lookups.</para></summary>
internal sealed class GeoAddressCache
{
    /// <summary>One address in this many is a sample.</summary>
    public const int SampleEvery = 16;

    /// <summary>The cache serves every address while at least one sample lookup in this many hits.</summary>
    public const int WorthwhileHitRatio = 8;

    /// <summary>Sample lookups between two verdicts.</summary>
    public const int SamplesPerVerdict = 256;

    private readonly Slot[] _slots;
    private readonly uint _setMask;

    // Updated without atomics by the sample lookups only: a lost count moves the verdict by one in 256.
    private int _sampleLookups;
    private int _sampleHits;
    private bool _serving = true;
    private readonly bool _adaptive;

    /// <param name="capacity">At most this many entries (rounded down to a power of two; 0 or 1: no cache).</param>
    /// <param name="adaptive">False: every address uses the cache whatever the hit rate (tests of the mechanics).</param>
    public GeoAddressCache(int capacity, bool adaptive = true)
    {
        _adaptive = adaptive;
        if (capacity < 2)
        {
            _slots = [];
            return;
        }

        var bits = BitOperations.Log2((uint)capacity);
        _slots = new Slot[1 << bits];
        _setMask = (1u << (bits - 1)) - 1;
    }

    /// <summary>Entries the cache can hold.</summary>
    public int Capacity => _slots.Length;

    /// <summary>True while every address uses the cache (the sample lookups hit often enough).</summary>
    public bool Serving => Volatile.Read(ref _serving);

    /// <summary>Entries held now (for tests and diagnostics; not cheap).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                var version = Volatile.Read(ref _slots[i].Version);
                count += version != 0 && (version & 1) == 0 ? 1 : 0;
            }

            return count;
        }
    }

    public bool TryGet(in ClientAddress address, out GeoAddressEntry entry)
    {
        entry = default;
        var hash = Hash(address);
        var sample = IsSample(hash);
        if (_slots.Length == 0 || !(sample || Volatile.Read(ref _serving)))
        {
            return false;
        }

        var set = SetOf(hash);
        var hit = TryRead(ref _slots[set], address, ref entry) || TryRead(ref _slots[set + 1], address, ref entry);
        if (sample)
        {
            CountSample(hit);
        }

        return hit;
    }

    public void Add(in ClientAddress address, in GeoAddressEntry entry)
    {
        var hash = Hash(address);
        if (_slots.Length == 0 || !(IsSample(hash) || Volatile.Read(ref _serving)))
        {
            return;
        }

        // An empty slot of the set first; else the one the address's hash picks, so that two addresses that keep
        // coming do not keep evicting each other.
        var set = SetOf(hash);
        var way = Volatile.Read(ref _slots[set].Version) == 0 ? 0
            : Volatile.Read(ref _slots[set + 1].Version) == 0 ? 1
            : (int)(hash >> 20) & 1;
        ref var slot = ref _slots[set + way];
        var version = Volatile.Read(ref slot.Version);
        if ((version & 1) != 0 || Interlocked.CompareExchange(ref slot.Version, version + 1, version) != version)
        {
            // Another thread is writing this slot: leave it to that one.
            return;
        }

        slot.High = address.High;
        slot.Low = address.Low;
        slot.IsV4 = address.IsV4;
        slot.Entry = entry;
        Volatile.Write(ref slot.Version, version + 2);
    }

    private static bool TryRead(ref Slot slot, in ClientAddress address, ref GeoAddressEntry entry)
    {
        var version = Volatile.Read(ref slot.Version);
        if (version == 0 || (version & 1) != 0
            || Volatile.Read(ref slot.Low) != address.Low || Volatile.Read(ref slot.High) != address.High || Volatile.Read(ref slot.IsV4) != address.IsV4)
        {
            return false;
        }

        // Volatile reads of the fields, so none is moved after the second read of the version.
        entry = new GeoAddressEntry(
            Volatile.Read(ref slot.Entry.Outcome),
            Volatile.Read(ref slot.Entry.City),
            Volatile.Read(ref slot.Entry.Asn),
            Volatile.Read(ref slot.Entry.Token0),
            Volatile.Read(ref slot.Entry.Token1));
        return Volatile.Read(ref slot.Version) == version;
    }

    private static ulong Hash(in ClientAddress address) => (address.High * 0x9E3779B97F4A7C15UL ^ address.Low) * 0x9E3779B97F4A7C15UL;

    private static bool IsSample(ulong hash) => (hash >> 8) % SampleEvery == 0;

    private int SetOf(ulong hash) => (int)((uint)(hash >> 32) & _setMask) << 1;

    private void CountSample(bool hit)
    {
        var lookups = ++_sampleLookups;
        var hits = hit ? ++_sampleHits : _sampleHits;
        if (lookups >= SamplesPerVerdict && _adaptive)
        {
            Volatile.Write(ref _serving, hits * WorthwhileHitRatio >= lookups);
            _sampleLookups = 0;
            _sampleHits = 0;
        }
    }

    private struct Slot
    {
        public int Version;
        public bool IsV4;
        public ulong High;
        public ulong Low;
        public GeoAddressEntry Entry;
    }
}
