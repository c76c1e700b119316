namespace LogPipeline.Pipeline;

/// <summary>Copies byte strings into slabs of a <see cref="RecordBufferPool"/>. Not thread-safe: one per thread
/// (the consume thread, each partition's processor).</summary>
internal sealed class RecordBufferWriter : IDisposable
{
    private readonly RecordBufferPool _pool;
    private RecordBufferSlab? _current;

    internal RecordBufferWriter(RecordBufferPool pool) => _pool = pool;

    /// <summary>A copy of <paramref name="bytes"/>, valid until the record holding it is released.</summary>
    public RecordBuffer Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return default;
        }

        if (bytes.Length > _pool.MaxLength)
        {
            return new RecordBuffer(bytes.ToArray(), null);
        }

        var slab = _current;
        if (slab is null || slab.Used + bytes.Length > slab.Buffer.Length)
        {
            // Forget the full slab before renting: if renting throws (out of memory), the next call must not
            // release the writer's reference on it a second time, or the slab would be reused under live records.
            _current = null;
            slab?.Release();
            slab = _current = _pool.Rent();
        }

        var offset = slab.Used;
        bytes.CopyTo(slab.Buffer.AsSpan(offset));
        slab.Used = offset + bytes.Length;
        slab.AddReference();
        return new RecordBuffer(new ReadOnlyMemory<byte>(slab.Buffer, offset, bytes.Length), slab);
    }

    /// <summary>Drops the writer's hold on its current slab; byte strings already handed out stay valid.</summary>
    public void Dispose()
    {
        _current?.Release();
        _current = null;
    }
}
