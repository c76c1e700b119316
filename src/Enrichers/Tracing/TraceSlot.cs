namespace Enrichers.Tracing;

/// <summary>What a session remembers about one trace, as one element of <see cref="TraceTable"/>'s storage. A
/// struct in arrays rather than an object per trace: every byte counts 100,000 times at the default budget (the
/// trace states are the largest part of the worker's live heap), and the recency links are slot numbers, so moving
/// a trace to the front writes no object reference (no GC write barrier). 64 bytes.</summary>
internal struct TraceSlot
{
    /// <summary><c>service_name</c> of the earliest record (null when it had none).</summary>
    public RootService? RootService;

    /// <summary>The whole ID when it is longer than <see cref="TraceKey.InlineLength"/> bytes and not packed hex;
    /// kept when the slot takes another trace, so that a run of long IDs reuses it.</summary>
    public byte[]? LongId;

    /// <summary>The ID's key (see <see cref="TraceKey"/>).</summary>
    public ulong Low;

    public ulong High;

    /// <summary>The earliest <c>@timestamp</c> seen so far, Unix milliseconds.</summary>
    public long EarliestMs;

    /// <summary>When the trace was last seen, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long LastSeen;

    /// <summary>Records seen so far (stops at <see cref="int.MaxValue"/>).</summary>
    public int Seq;

    /// <summary>The more recently seen neighbour in the recency list (or the next free slot), or
    /// <see cref="TraceTable.None"/>.</summary>
    public int Previous;

    /// <summary>The less recently seen neighbour in the recency list, or <see cref="TraceTable.None"/>.</summary>
    public int Next;

    /// <summary>The ID's length and form (see <see cref="TraceKey.Shape"/>).</summary>
    public ushort Shape;
}
