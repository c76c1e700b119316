using System.Buffers;
using System.Runtime.CompilerServices;

namespace Enrichers.Tracing;

/// <summary>What a session remembers about one trace. The ID is kept inside the state, so that a state forgotten to
/// make room can take the next new trace without allocating: at the trace budget nearly every new trace replaces an
/// old one, and a state plus an ID string per new trace were long-lived allocations (promoted, then dying in the
/// oldest generation) on almost every record.
/// <para>Nearly every ID is W3C's (or B3's 128-bit) 32 lowercase hex characters: those are kept as their 16 bytes,
/// other IDs of up to 16 bytes as they are, and longer ones in an array of the state's own. Every byte of a state
/// counts 100,000 times at the default budget: the trace states are the largest part of the worker's live heap
/// (sizes: docs/worker.md, figures behind the code's comments).</para></summary>
internal sealed class TraceState
{
    /// <summary>The length of a W3C trace ID in hex characters.</summary>
    private const int HexIdLength = 32;

    private const int InlineLength = 16;

    private InlineId _inline;
    private byte[]? _longId;
    private int _seq;
    private short _idLength;
    private bool _hexPacked;

    public TraceState(ReadOnlySpan<byte> traceId) => SetId(traceId);

    /// <summary>The ID's length in UTF-8 bytes.</summary>
    public int IdLength => _idLength;

    /// <summary>True when the ID's bytes can stand between JSON quotes as they are (no quote, backslash or
    /// control character): then it is written to records without being decoded to a string.</summary>
    public bool IdIsJsonSafe { get; private set; }

    /// <summary>Records seen so far (stops at <see cref="int.MaxValue"/>).</summary>
    public long Seq
    {
        get => _seq;
        set => _seq = (int)Math.Clamp(value, 0, int.MaxValue);
    }

    /// <summary>The earliest <c>@timestamp</c> seen so far, Unix milliseconds.</summary>
    public long EarliestMs { get; set; }

    /// <summary><c>service_name</c> of the earliest record (null when it had none).</summary>
    public string? RootService { get; set; }

    /// <summary>When the trace was last seen, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long LastSeen { get; set; }

    /// <summary>The more recently seen neighbour in the session's recency list.</summary>
    public TraceState? Previous { get; set; }

    /// <summary>The less recently seen neighbour in the session's recency list.</summary>
    public TraceState? Next { get; set; }

    /// <summary>True when this trace's ID is <paramref name="traceId"/> (UTF-8), byte for byte.</summary>
    public bool IdEquals(ReadOnlySpan<byte> traceId)
    {
        if (traceId.Length != _idLength)
        {
            return false;
        }

        if (_hexPacked)
        {
            Span<byte> packed = stackalloc byte[InlineLength];
            return TryPackHex(traceId, packed) && packed.SequenceEqual(_inline);
        }

        return traceId.SequenceEqual(_idLength <= InlineLength ? ((ReadOnlySpan<byte>)_inline)[.._idLength] : _longId.AsSpan(0, _idLength));
    }

    /// <summary>Writes the ID as UTF-8 to <paramref name="destination"/> (at least <see cref="IdLength"/> bytes)
    /// and returns its length.</summary>
    public int CopyId(Span<byte> destination)
    {
        if (_hexPacked)
        {
            Convert.TryToHexStringLower(_inline, destination, out _);
        }
        else if (_idLength <= InlineLength)
        {
            ((ReadOnlySpan<byte>)_inline)[.._idLength].CopyTo(destination);
        }
        else
        {
            _longId.AsSpan(0, _idLength).CopyTo(destination);
        }

        return _idLength;
    }

    /// <summary>Makes this (forgotten) state the state of a new trace. It must not be in a dictionary: its
    /// hash changes.</summary>
    public void Reuse(ReadOnlySpan<byte> traceId)
    {
        SetId(traceId);
        Seq = 0;
        EarliestMs = 0;
        RootService = null;
        LastSeen = 0;
        Previous = Next = null;
    }

    private void SetId(ReadOnlySpan<byte> traceId)
    {
        _idLength = (short)traceId.Length;
        _hexPacked = TryPackHex(traceId, _inline);
        if (!_hexPacked)
        {
            if (traceId.Length <= InlineLength)
            {
                traceId.CopyTo(_inline);
            }
            else
            {
                if (_longId is null || _longId.Length < traceId.Length)
                {
                    _longId = new byte[traceId.Length];
                }

                traceId.CopyTo(_longId);
            }
        }

        IdIsJsonSafe = true;
        foreach (var b in traceId)
        {
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\')
            {
                IdIsJsonSafe = false;
                break;
            }
        }
    }

    /// <summary>Packs 32 lowercase hex characters into 16 bytes; false (and <paramref name="packed"/> undefined) for
    /// anything else. Uppercase is not packed: it would not be written back as received.</summary>
    private static bool TryPackHex(ReadOnlySpan<byte> id, Span<byte> packed) =>
        id.Length == HexIdLength
        && !id.ContainsAnyInRange((byte)'A', (byte)'F')
        && Convert.FromHexString(id, packed, out _, out var written) == OperationStatus.Done
        && written == InlineLength;

    [InlineArray(InlineLength)]
    private struct InlineId
    {
        private byte _first;
    }
}
