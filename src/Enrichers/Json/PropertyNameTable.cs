using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Enrichers.Json;

/// <summary>A fixed set of names, each with a number, and the lookup of a property's name among them: for an enricher
/// that dispatches on the names of every record's properties. The same few names come in every record, and comparing
/// each property's name with candidate strings char by char was most of such a dispatch; here an unescaped input name
/// (nearly all) of up to 16 bytes is read as two 64-bit words, and those words and its length are the whole name, so
/// one hashed slot and three compares decide. Longer names are compared byte for byte after the same probe; escaped
/// names and names set as strings are looked up decoded. Built once; read-only and thread-safe afterwards.</summary>
internal sealed class PropertyNameTable
{
    private const ulong HighBits = 0x8080808080808080UL;

    // By length (its low 6 bits): a bit per first byte (its low 6 bits) of the ASCII names of that length. Most names of
    // a record are none of a table's, and this rules nearly all of them out with one read of 512 bytes that stay in
    // cache, before the name's words are read and hashed.
    private readonly ulong[] _lengthFirst = new ulong[64];

    private readonly Slot[] _slots;
    private readonly byte[]?[] _longNames;
    private readonly int _mask;
    private readonly Dictionary<string, int> _byString = new(StringComparer.Ordinal);

    // Names with a non-ASCII char: an input name can equal one only when it has non-ASCII bytes too, and only its
    // decoded form tells (as LogProperty.NameEquals decides it).
    private readonly (string Name, int Number)[] _nonAscii;

    /// <param name="names">The names and their numbers (0 or more); a name given twice keeps its first number.</param>
    public PropertyNameTable(IEnumerable<(string Name, int Number)> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var nonAscii = new List<(string, int)>();
        foreach (var (name, number) in names)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (number < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(names), number, "A name's number is 0 or more.");
            }

            if (_byString.TryAdd(name, number) && !Ascii.IsValid(name))
            {
                nonAscii.Add((name, number));
            }
        }

        _nonAscii = nonAscii.ToArray();

        // At most a quarter of the slots in use: a name that is none of these (most names of a record, for most
        // tables) nearly always meets an empty slot at once.
        var size = 16;
        while (size < 4 * _byString.Count)
        {
            size *= 2;
        }

        _mask = size - 1;
        _slots = new Slot[size];
        _longNames = new byte[]?[size];
        _slots.AsSpan().Fill(new Slot(0, 0, -1, -1));
        foreach (var (name, number) in _byString)
        {
            if (!Ascii.IsValid(name))
            {
                continue;
            }

            var utf8 = Encoding.ASCII.GetBytes(name);
            var (lo, hi) = Words(utf8);
            var slot = Hash(lo, hi, utf8.Length) & _mask;
            while (_slots[slot].Length >= 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = new Slot(lo, hi, utf8.Length, number);
            if (utf8.Length > 0)
            {
                _lengthFirst[utf8.Length & 63] |= 1UL << (utf8[0] & 63);
            }

            _longNames[slot] = utf8.Length > 16 ? utf8 : null;
        }
    }

    /// <summary>The number of <paramref name="property"/>'s name (ordinal, as <see cref="LogProperty.NameEquals"/>),
    /// or -1 when it is none of the names.</summary>
    public int Find(LogProperty property)
    {
        if (!property.TryGetRawName(out var raw))
        {
            // Escaped, or set by an enricher as a string: the decoded name decides.
            return _byString.TryGetValue(property.Name, out var number) ? number : -1;
        }

        var length = raw.Length;
        if (length != 0 && _nonAscii.Length == 0 && (_lengthFirst[length & 63] & (1UL << (raw[0] & 63))) == 0)
        {
            return -1;
        }

        var (lo, hi) = Words(raw);
        if (_nonAscii.Length != 0 && (((lo | hi) & HighBits) != 0 || (raw.Length > 16 && !Ascii.IsValid(raw))))
        {
            return FindNonAscii(property);
        }

        // A name with non-ASCII bytes meets no slot here: every slot holds an ASCII name's bytes.

        var slots = _slots;
        for (var slot = Hash(lo, hi, length) & _mask; ; slot = (slot + 1) & _mask)
        {
            ref readonly var s = ref slots[slot];
            if (s.Length == length && s.Lo == lo && s.Hi == hi && (length <= 16 || raw.SequenceEqual(_longNames[slot])))
            {
                return s.Number;
            }

            if (s.Length < 0)
            {
                return -1;
            }
        }
    }

    private int FindNonAscii(LogProperty property)
    {
        foreach (var (name, number) in _nonAscii)
        {
            if (property.NameEquals(name))
            {
                return number;
            }
        }

        return -1;
    }

    /// <summary>A name of up to 16 bytes as two words that, with its length, are exactly its bytes (the two reads
    /// overlap when it is shorter than 16); a longer name's first and last 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Lo, ulong Hi) Words(ReadOnlySpan<byte> name)
    {
        ref var first = ref MemoryMarshal.GetReference(name);
        var n = name.Length;
        if (n >= 8)
        {
            return (Unsafe.ReadUnaligned<ulong>(ref first), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, n - 8)));
        }

        if (n >= 4)
        {
            return (Unsafe.ReadUnaligned<uint>(ref first) | ((ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref first, n - 4)) << 32), 0UL);
        }

        // 0 to 3 bytes: the first, the middle and the last are all of them.
        return n == 0 ? (0UL, 0UL) : (first | ((ulong)Unsafe.Add(ref first, n / 2) << 8) | ((ulong)Unsafe.Add(ref first, n - 1) << 16), 0UL);
    }

    private static int Hash(ulong lo, ulong hi, int length) =>
        (int)((((lo * 0x9E3779B97F4A7C15UL) ^ hi) * 0xC2B2AE3D27D4EB4FUL + (ulong)length) >> 32);

    /// <summary>A name's words and length (-1: the slot is empty), and its number.</summary>
    private struct Slot(ulong lo, ulong hi, int length, int number)
    {
        public ulong Lo = lo;
        public ulong Hi = hi;
        public int Length = length;
        public int Number = number;
    }
}
