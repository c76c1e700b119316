using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enrichers.Masking;

/// <summary>What masking already worked out for text that repeats: the key flags of raw property names, and
/// short raw values the built-in patterns found nothing in (by their exact bytes and the patterns that were on).
/// Key names repeat in every record and half of the string values do (levels, service and model names,
/// methods, versions, content types); evaluating or scanning them again cost more than finding them here.
/// Longer values have a table of their own (user agents, repeated messages: the ones that cost most to scan), so
/// that they neither take the slots of the many short ones nor make every slot as large as theirs.
/// One per thread and enricher (see <see cref="For"/>); direct-mapped and fixed in size, so a lookup or an
/// insert never allocates and a one-off text (a timestamp, an ID) simply takes the place of an older entry.
/// <para>Entries are found by hash and then compared byte for byte: a hit is always the same text, so a value
/// remembered as clean can never hide PII, and a name always gets its own flags.</para></summary>
internal sealed class RepeatedTextCache
{
    /// <summary>Names and short values up to this length share the slots of the main tables.</summary>
    public const int MaxLength = 48;

    /// <summary>Values up to this length are remembered (longer ones in a smaller table of larger slots); longer
    /// texts are rarely repeated and cost little per byte to scan.</summary>
    public const int MaxValueLength = 256;

    private const int SlotBits = 11;
    private const int LongSlotBits = 9;

    [ThreadStatic]
    private static RepeatedTextCache? t_cache;

    private readonly Table _values = new(SlotBits, MaxLength);
    private readonly Table _longValues = new(LongSlotBits, MaxValueLength);
    private readonly Table _names = new(SlotBits, MaxLength);
    private object? _owner;

    /// <summary>The calling thread's cache for <paramref name="owner"/>: entries made for another enricher
    /// (whose key rules may differ) are dropped first.</summary>
    public static RepeatedTextCache For(object owner)
    {
        var cache = t_cache ??= new RepeatedTextCache();
        if (!ReferenceEquals(cache._owner, owner))
        {
            cache._values.Clear();
            cache._longValues.Clear();
            cache._names.Clear();
            cache._owner = owner;
        }

        return cache;
    }

    /// <summary>True when <paramref name="raw"/> was remembered as clean under exactly these patterns.</summary>
    public bool IsClean(ReadOnlySpan<byte> raw, MaskPatterns patterns) =>
        (raw.Length <= MaxLength ? _values : _longValues).TryGet(raw, out var remembered) && remembered == (int)patterns;

    /// <summary>Remembers <paramref name="raw"/> as clean under <paramref name="patterns"/>; a text longer than
    /// <see cref="MaxValueLength"/> is not remembered.</summary>
    public void AddClean(ReadOnlySpan<byte> raw, MaskPatterns patterns) =>
        (raw.Length <= MaxLength ? _values : _longValues).Add(raw, (int)patterns);

    public bool TryGetKeyFlags(ReadOnlySpan<byte> name, out KeyFlags flags)
    {
        var found = _names.TryGet(name, out var value);
        flags = (KeyFlags)value;
        return found;
    }

    public void AddKeyFlags(ReadOnlySpan<byte> name, KeyFlags flags) => _names.Add(name, (int)flags);

    /// <summary>Only the first, middle and last 8 bytes and the length: cheap, and enough to spread log texts over the
    /// slots (texts that share them just take each other's slot; the byte comparison keeps hits exact). The middle
    /// tells apart long texts that share their ends (user agents start alike).</summary>
    private static uint Hash(ReadOnlySpan<byte> s)
    {
        ref var first = ref MemoryMarshal.GetReference(s);
        var n = s.Length;
        ulong a, b;
        if (n > 16)
        {
            a = Unsafe.ReadUnaligned<ulong>(ref first) ^ (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, (n / 2) - 4)) * 0xFF51AFD7ED558CCDUL);
            b = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, n - 8));
        }
        else if (n >= 8)
        {
            a = Unsafe.ReadUnaligned<ulong>(ref first);
            b = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, n - 8));
        }
        else if (n >= 4)
        {
            a = Unsafe.ReadUnaligned<uint>(ref first);
            b = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref first, n - 4));
        }
        else
        {
            a = n == 0 ? 0 : first | ((ulong)Unsafe.Add(ref first, n / 2) << 8) | ((ulong)Unsafe.Add(ref first, n - 1) << 16);
            b = 0;
        }

        var h = (a * 0x9E3779B97F4A7C15UL) ^ (((b << 29) | (b >> 35)) * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)n;
        return (uint)(h ^ (h >> 32));
    }

    private sealed class Table
    {
        private readonly int _slotBits;
        private readonly int _maxLength;
        private readonly byte[] _bytes;

        // Length + 1 of the text in each slot (0 = empty), its hash and what is remembered for it.
        private readonly ushort[] _lengths;
        private readonly uint[] _hashes;
        private readonly int[] _values;

        public Table(int slotBits, int maxLength)
        {
            _slotBits = slotBits;
            _maxLength = maxLength;
            var slots = 1 << slotBits;
            _bytes = new byte[slots * maxLength];
            _lengths = new ushort[slots];
            _hashes = new uint[slots];
            _values = new int[slots];
        }

        public void Clear() => Array.Clear(_lengths);

        public bool TryGet(ReadOnlySpan<byte> text, out int value)
        {
            var hash = Hash(text);
            var slot = (int)(hash >> (32 - _slotBits));
            value = _values[slot];
            return _lengths[slot] == text.Length + 1 && _hashes[slot] == hash
                && text.SequenceEqual(_bytes.AsSpan(slot * _maxLength, text.Length));
        }

        public void Add(ReadOnlySpan<byte> text, int value)
        {
            if (text.Length > _maxLength)
            {
                return;
            }

            var hash = Hash(text);
            var slot = (int)(hash >> (32 - _slotBits));
            text.CopyTo(_bytes.AsSpan(slot * _maxLength, _maxLength));
            _lengths[slot] = (ushort)(text.Length + 1);
            _hashes[slot] = hash;
            _values[slot] = value;
        }
    }
}
