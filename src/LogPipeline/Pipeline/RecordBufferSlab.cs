namespace LogPipeline.Pipeline;

/// <summary>One slab of a <see cref="RecordBufferPool"/>: a pinned array filled front to back by one
/// <see cref="RecordBufferWriter"/>, with a count of the byte strings (and the writer) still using it.</summary>
internal sealed class RecordBufferSlab(RecordBufferPool pool, byte[] buffer)
{
    public byte[] Buffer { get; } = buffer;

    public int Used { get; set; }

    private int _references;

    /// <summary>Ready for a writer, which holds the first reference until it moves on to another slab.</summary>
    public void Reset()
    {
        Used = 0;
        Volatile.Write(ref _references, 1);
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            pool.Return(this);
        }
        else if (left < 0)
        {
            // Only a double release gets here; reusing the slab now could hand its bytes to two records.
            throw new InvalidOperationException("A record buffer slab was released more often than it was referenced.");
        }
    }
}
