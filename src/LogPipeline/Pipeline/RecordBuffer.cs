namespace LogPipeline.Pipeline;

/// <summary>Bytes copied by a <see cref="RecordBufferWriter"/>, and the slab they hold a reference on
/// (none for empty or unpooled bytes).</summary>
internal readonly struct RecordBuffer
{
    internal RecordBuffer(ReadOnlyMemory<byte> memory, RecordBufferSlab? slab)
    {
        Memory = memory;
        Slab = slab;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    internal RecordBufferSlab? Slab { get; }
}
