using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class DocumentTableTests
{
    private static StoredDocument Doc(long version, long seqNo = 0) => new([], version, seqNo);

    [Fact]
    public void A_create_of_an_existing_id_is_refused_and_returns_the_stored_document()
    {
        var table = new DocumentTable();

        Assert.True(table.TryAdd("a", Doc(1, 7), out _));
        Assert.False(table.TryAdd("a", Doc(1, 8), out var existing));

        Assert.Equal(7, existing.SeqNo);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Index_adds_a_new_id_at_version_one_and_replaces_an_existing_one_with_the_next_version()
    {
        var table = new DocumentTable();

        var first = table.AddOrUpdate("a", old => Doc((old?.Version ?? 0) + 1));
        var second = table.AddOrUpdate("a", old => Doc((old?.Version ?? 0) + 1));

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.True(table.TryGetValue("a", out var stored));
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public void A_removed_id_is_gone_and_can_be_created_again()
    {
        var table = new DocumentTable();
        table.TryAdd("a", Doc(3), out _);

        Assert.True(table.TryRemove("a", out var removed));
        Assert.Equal(3, removed.Version);
        Assert.False(table.TryRemove("a", out _));
        Assert.False(table.TryGetValue("a", out _));
        Assert.True(table.TryAdd("a", Doc(1), out _));
    }

    [Fact]
    public void Ids_across_many_character_blocks_and_one_longer_than_a_block_are_all_found_exactly()
    {
        var table = new DocumentTable(capacity: 10);
        // 200,000 ids of 12-13 characters fill more than two 1 Mi-character blocks; the long one gets its own.
        var ids = Enumerable.Range(0, 200_000).Select(i => $"smm-raw-{i:x5}").Append(new string('x', (1 << 20) + 5)).ToList();
        foreach (var id in ids)
        {
            Assert.True(table.TryAdd(id, Doc(1), out _));
        }

        Assert.Equal(ids.Count, table.Count);
        Assert.All(ids, id => Assert.True(table.TryGetValue(id, out _)));
        Assert.False(table.TryGetValue("smm-raw-00000 ", out _));
        Assert.False(table.TryGetValue("smm-raw-0000", out _));
        Assert.Equal(ids.Order(StringComparer.Ordinal), table.Ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Concurrent_creates_of_the_same_ids_store_each_once()
    {
        var table = new DocumentTable();
        var created = 0;

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (table.TryAdd($"id-{i}", Doc(1), out _))
                {
                    Interlocked.Increment(ref created);
                }
            }
        });

        Assert.Equal(10_000, created);
        Assert.Equal(10_000, table.Count);
    }
}
