using System.Buffers.Binary;

namespace Enrichers.Tracing;

/// <summary>The <see cref="RootService"/>s of one session, one per service name: service names repeat endlessly, so each
/// new trace reuses the one of its name. Direct-mapped: a name that loses its place is made again when it comes back,
/// so many distinct names cost what they would without sharing, and memory stays bounded. Not thread-safe (one per
/// session).
/// <para>Each place keeps the name's length and first and last 8 bytes beside its service: a name of up to 16 bytes
/// (nearly every one) is recognised from the place alone, without reading the service and its bytes, two more lines
/// that a busy chain has pushed out of the nearest caches by the next record. A struct, so that the enricher holding it
/// reaches the places without one more object between.</para></summary>
internal readonly struct SharedRootServices
{
    /// <summary>Longer names are not shared (a name that long is not one of a few).</summary>
    private const int MaxSharedLength = 64;

    private const int PlaceBits = 8;

    private readonly Place[] _places;

    public SharedRootServices() => _places = new Place[1 << PlaceBits];

    /// <summary>The service of <paramref name="name"/>, UTF-8 that needs no JSON escaping (a record's unescaped
    /// string).</summary>
    public RootService Of(ReadOnlySpan<byte> name)
    {
        if (name.Length > MaxSharedLength)
        {
            return new RootService(name.ToArray());
        }

        // First and last 8 bytes (overlapping from 8 to 16 bytes); a shorter name whole in the first, so that up to
        // 16 bytes the two and the length are the name.
        ulong head = 0, tail = 0;
        if (name.Length >= 8)
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(name);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(name[^8..]);
        }
        else
        {
            foreach (var b in name)
            {
                head = (head << 8) | b;
            }
        }

        // A session sees a few names, and two that collide only make a name again, so a cheap unseeded spread does.
        var mixed = (head * 0x9E3779B97F4A7C15) ^ ((tail + (ulong)name.Length) * 0xC2B2AE3D27D4EB4F);
        ref var place = ref _places[(int)(mixed >> (64 - PlaceBits))];
        if (place.Service is { } shared && place.Head == head && place.Tail == tail && place.Length == name.Length
            && (name.Length <= 16 || shared.Is(name)))
        {
            return shared;
        }

        var made = new RootService(name.ToArray());
        place = new Place { Head = head, Tail = tail, Length = name.Length, Service = made };
        return made;
    }

    public void Clear() => Array.Clear(_places);

    private struct Place
    {
        public ulong Head;
        public ulong Tail;
        public int Length;
        public RootService? Service;
    }
}
