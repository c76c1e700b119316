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
/// remembered as clean can never hide PII, and a name always gets its own flags.</para>
/// <para>Some keys never repeat a value (timestamps, trace IDs, paths with an ID, messages with an address in them);
/// looking their values up and remembering them only cost time and pushed out values that do repeat. So each key name
/// counts the misses of its values in a row (see <see cref="ShouldConsult"/>): after <see cref="SkipAfterMisses"/>,
/// only one value in <see cref="ProbeInterval"/> is looked up (and remembered), until one is found again. A value
/// not looked up is scanned as if it were new: what is masked never depends on this.</para></summary>
internal sealed class RepeatedTextCache
{
    /// <summary>Names and short values up to this length share the slots of the main tables.</summary>
    public const int MaxLength = 48;

    /// <summary>Values up to this length are remembered (longer ones in a smaller table of larger slots); longer
    /// texts are rarely repeated and cost little per byte to scan.</summary>
    public const int MaxValueLength = 256;

    /// <summary>Misses in a row, of one key's values, after which its values are mostly not looked up.</summary>
    public const int SkipAfterMisses = 16;

    /// <summary>While a key's values are not looked up, one in this many still is (a power of two), so a key whose
    /// values start to repeat is noticed.</summary>
    public const int ProbeInterval = 32;

    private const int SlotBits = 11;
    private const int LongSlotBits = 9;

    [ThreadStatic]
    private static RepeatedTextCache? t_cache;

    private readonly Table _values = new(SlotBits, MaxLength);
    private readonly Table _longValues = new(LongSlotBits, MaxValueLength);
    private readonly Table _names = new(SlotBits, MaxLength);

    // Per slot of the names table: how many values of that name in a row were not found among the clean ones.
    private readonly ushort[] _valueMisses = new ushort[1 << SlotBits];
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
            Array.Clear(cache._valueMisses);
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

    public bool TryGetKeyFlags(ReadOnlySpan<byte> name, out KeyFlags flags) => TryGetKeyFlags(name, out flags, out _);

    /// <summary>As <see cref="TryGetKeyFlags(ReadOnlySpan{byte}, out KeyFlags)"/>, with the name's slot (valid while
    /// found), by which its values' misses are counted.</summary>
    public bool TryGetKeyFlags(ReadOnlySpan<byte> name, out KeyFlags flags, out int slot)
    {
        var found = _names.TryGet(name, out var value, out slot);
        flags = (KeyFlags)value;
        return found;
    }

    /// <summary>Remembers a name's flags; returns its slot, whose count of misses starts again at 0 (the slot may
    /// have been another name's).</summary>
    public int AddKeyFlags(ReadOnlySpan<byte> name, KeyFlags flags)
    {
        var slot = _names.Add(name, (int)flags);
        if (slot >= 0)
        {
            _valueMisses[slot] = 0;
        }

        return slot;
    }

    /// <summary>Whether a value of the key in names slot <paramref name="keySlot"/> (-1: no key, or a name not
    /// remembered) is worth looking up: always, unless the key's last <see cref="SkipAfterMisses"/> values or more
    /// were all misses; then one in <see cref="ProbeInterval"/>. Each value either way is then counted with
    /// <see cref="CountValue"/>.</summary>
    public bool ShouldConsult(int keySlot)
    {
        if (keySlot < 0)
        {
            return true;
        }

        var misses = _valueMisses[keySlot];
        return misses < SkipAfterMisses || (misses & (ProbeInterval - 1)) == 0;
    }

    /// <summary>Counts a value of the key in <paramref name="keySlot"/>: found clean (the count starts again), or
    /// not found or not looked up (one more miss).</summary>
    public void CountValue(int keySlot, bool found)
    {
        if (keySlot < 0)
        {
            return;
        }

        // Past the skipping threshold the count only paces the probes, so it wraps back to the threshold.
        var misses = _valueMisses[keySlot];
        _valueMisses[keySlot] = found ? (ushort)0 : misses == ushort.MaxValue ? (ushort)SkipAfterMisses : (ushort)(misses + 1);
    }

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

        public bool TryGet(ReadOnlySpan<byte> text, out int value) => TryGet(text, out value, out _);

        public bool TryGet(ReadOnlySpan<byte> text, out int value, out int slot)
        {
            var hash = Hash(text);
            slot = (int)(hash >> (32 - _slotBits));
            value = _values[slot];
            return _lengths[slot] == text.Length + 1 && _hashes[slot] == hash
                && text.SequenceEqual(_bytes.AsSpan(slot * _maxLength, text.Length));
        }

        /// <summary>The slot <paramref name="text"/> now has, or -1 when it is too long to be remembered.</summary>
        public int Add(ReadOnlySpan<byte> text, int value)
        {
            if (text.Length > _maxLength)
            {
                return -1;
            }

            var hash = Hash(text);
            var slot = (int)(hash >> (32 - _slotBits));
            text.CopyTo(_bytes.AsSpan(slot * _maxLength, _maxLength));
            _lengths[slot] = (ushort)(text.Length + 1);
            _hashes[slot] = hash;
            _values[slot] = value;
            return slot;
        }
    }
}
