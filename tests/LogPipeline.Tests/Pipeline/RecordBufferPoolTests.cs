using LogPipeline.Pipeline;

namespace LogPipeline.Tests.Pipeline;

public sealed class RecordBufferPoolTests
{
    private static PipelineRecord Record(RecordBuffer value) =>
        new() { Origin = new RecordOrigin("t", 0, 0), Value = value.Memory, ValueSlab = value.Slab };

    [Fact]
    public void Copies_keep_their_bytes_while_their_records_are_not_released()
    {
        var pool = new RecordBufferPool();
        using var writer = pool.CreateWriter();
        var records = new List<(PipelineRecord Record, byte Fill)>();
        // Several slabs' worth, so the writer moves on and earlier slabs would be reused if that were allowed.
        for (var i = 0; i < 3 * RecordBufferPool.SlabSize / 500; i++)
        {
            var fill = (byte)(i % 251);
            records.Add((Record(writer.Copy(Enumerable.Repeat(fill, 500).ToArray())), fill));
        }

        // Releasing every other record frees no slab (each still has live neighbours), so nothing is overwritten.
        for (var i = 0; i < records.Count; i += 2)
        {
            records[i].Record.ReleaseBuffers();
        }

        for (var i = 0; i < records.Count; i++)
        {
            writer.Copy(Enumerable.Repeat((byte)255, 500).ToArray());
        }

        for (var i = 1; i < records.Count; i += 2)
        {
            Assert.All(records[i].Record.Value.ToArray(), b => Assert.Equal(records[i].Fill, b));
        }
    }

    [Fact]
    public void A_slab_is_reused_once_every_record_in_it_is_released()
    {
        var pool = new RecordBufferPool();
        var writer = pool.CreateWriter();
        var first = Enumerable.Range(0, 10).Select(_ => Record(writer.Copy(new byte[100]))).ToList();
        writer.Dispose();
        Assert.Equal(1, pool.SlabsCreated);
        Assert.Equal(0, pool.FreeSlabs);

        foreach (var record in first.Take(9))
        {
            record.ReleaseBuffers();
        }

        Assert.Equal(0, pool.FreeSlabs);
        first[9].ReleaseBuffers();
        Assert.Equal(1, pool.FreeSlabs);

        using var next = pool.CreateWriter();
        next.Copy(new byte[100]);
        Assert.Equal(1, pool.SlabsCreated);
        Assert.Equal(0, pool.FreeSlabs);
    }

    [Fact]
    public void Releasing_a_record_twice_releases_its_slab_reference_once()
    {
        var pool = new RecordBufferPool();
        var writer = pool.CreateWriter();
        var a = Record(writer.Copy(new byte[10]));
        var b = Record(writer.Copy(new byte[10]));
        writer.Dispose();

        a.ReleaseBuffers();
        a.ReleaseBuffers();
        Assert.Equal(0, pool.FreeSlabs);
        b.ReleaseBuffers();
        Assert.Equal(1, pool.FreeSlabs);
    }

    [Fact]
    public void Large_and_empty_values_are_not_pooled()
    {
        var pool = new RecordBufferPool();
        using var writer = pool.CreateWriter();
        var large = writer.Copy(new byte[RecordBufferPool.MaxPooledLength + 1]);
        var empty = writer.Copy([]);

        Assert.Equal(RecordBufferPool.MaxPooledLength + 1, large.Memory.Length);
        Assert.True(empty.Memory.IsEmpty);
        Assert.Equal(0, pool.SlabsCreated);
    }

    [Fact]
    public void The_free_list_keeps_at_most_the_configured_number_of_slabs()
    {
        var pool = new RecordBufferPool(maxFreeSlabs: 1);
        var records = new List<PipelineRecord>();
        for (var w = 0; w < 3; w++)
        {
            using var writer = pool.CreateWriter();
            records.Add(Record(writer.Copy(new byte[10])));
        }

        records.ForEach(r => r.ReleaseBuffers());
        Assert.Equal(3, pool.SlabsCreated);
        Assert.Equal(1, pool.FreeSlabs);
    }

    [Fact]
    public void A_pooled_document_is_released_with_its_record()
    {
        var pool = new RecordBufferPool();
        var writer = pool.CreateWriter();
        var record = new PipelineRecord { Origin = new RecordOrigin("t", 0, 0), Value = new byte[5] };
        record.SetDocument(writer.Copy("{\"a\":1}"u8));
        writer.Dispose();

        Assert.Equal("{\"a\":1}", System.Text.Encoding.UTF8.GetString(record.Document.Span));
        Assert.Equal(0, pool.FreeSlabs);
        record.ReleaseBuffers();
        Assert.Equal(1, pool.FreeSlabs);
        Assert.Equal(5 + 7, record.SizeBytes);
    }

    [Fact]
    public void A_failed_slab_allocation_leaves_the_writer_usable_and_the_full_slab_released_once()
    {
        var fail = false;
        var pool = new RecordBufferPool(slabSize: 1024)
        {
            AllocateSlab = size => fail ? throw new OutOfMemoryException("injected") : new byte[size],
        };
        var writer = pool.CreateWriter();
        var full = Enumerable.Range(0, 5).Select(_ => Record(writer.Copy(new byte[200]))).ToList(); // 1000 of 1024 bytes

        fail = true;
        Assert.Throws<OutOfMemoryException>(() => writer.Copy(new byte[200]));
        Assert.Throws<OutOfMemoryException>(() => writer.Copy(new byte[200]));
        fail = false;
        var third = Record(writer.Copy(new byte[200]));
        writer.Dispose();

        // The full slab is free once its five records are, and not before: no reference was dropped twice.
        full.Take(4).ToList().ForEach(r => r.ReleaseBuffers());
        Assert.Equal(0, pool.FreeSlabs);
        full[4].ReleaseBuffers();
        Assert.Equal(1, pool.FreeSlabs);
        third.ReleaseBuffers();
        Assert.Equal(2, pool.FreeSlabs);
    }
}
