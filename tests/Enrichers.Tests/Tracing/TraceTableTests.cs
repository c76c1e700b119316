using System.Text;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public sealed class TraceTableTests
{
    /// <summary>IDs of every form the table keys differently: packed hex, other IDs up to 16 bytes, longer ones, and
    /// look-alikes (uppercase hex, a shared first 16 bytes, the same bytes at another length).</summary>
    private static List<string> IdsOfEveryForm(Random random)
    {
        var ids = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var hex = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));
            ids.Add(hex);
            ids.Add(hex.ToUpperInvariant());
            ids.Add(hex[..16]);
            ids.Add("order-" + i);
            ids.Add("checkout-2026-11-27-" + i + "-retry");
            ids.Add("checkout-2026-11-27-" + i + "-retry-" + new string('x', i));
        }

        ids.Add("");
        ids.Add("0123456789abcdef");
        ids.Add("0123456789abcdef\0");
        return ids;
    }

    [Fact]
    public void A_table_that_empties_after_growing_lets_its_storage_go_and_fills_again()
    {
        var table = new TraceTable();
        var ids = Enumerable.Range(0, 1000).Select(i => "trace-" + i).ToList();
        foreach (var id in ids)
        {
            table.Add(new TraceKey(Encoding.UTF8.GetBytes(id)));
        }

        Assert.Equal(1000, table.Capacity);
        while (table.Oldest != TraceTable.None)
        {
            table.Remove(table.Oldest);
        }

        Assert.Equal(0, table.Count);
        Assert.Equal(0, table.Capacity);
        var slot = table.Add(new TraceKey("trace-again"u8));
        Assert.Equal(slot, table.Find(new TraceKey("trace-again"u8)));
        Assert.Equal(TraceTable.None, table.Find(new TraceKey("trace-7"u8)));
    }

    [Fact]
    public void A_small_table_keeps_its_one_chunk_when_it_empties()
    {
        var table = new TraceTable();
        table.Add(new TraceKey("a"u8));
        table.Remove(table.Oldest);

        Assert.Equal(1, table.Capacity);
        Assert.Equal(TraceTable.None, table.Find(new TraceKey("a"u8)));
    }

    [Fact]
    public void Random_adds_replacements_and_removals_agree_with_a_dictionary_and_a_recency_list() => Churn(prefetchOldest: false);

    [Fact]
    public void Removals_between_prefetches_of_the_oldest_trace_agree_with_a_dictionary_and_a_recency_list() =>
        Churn(prefetchOldest: true);

    /// <param name="prefetchOldest">Asks for the oldest trace's index place at random steps, as trace linking does
    /// before the next new trace, also when the oldest changes before the removal that follows.</param>
    private static void Churn(bool prefetchOldest)
    {
        // A small table (the index grows from 16 places) under heavy churn: places collide often, so removals shift
        // runs of entries back, which a slip would show as a trace that can no longer be found or one found twice.
        var random = new Random(20261207);
        var ids = IdsOfEveryForm(random);
        var table = new TraceTable();
        var slots = new Dictionary<string, int>();
        var recency = new LinkedList<string>();
        for (var step = 0; step < 50_000; step++)
        {
            if (prefetchOldest && random.Next(2) == 0)
            {
                table.PrefetchOldest();
            }

            var id = ids[random.Next(ids.Count)];
            var key = new TraceKey(Encoding.UTF8.GetBytes(id));
            var found = table.Find(key);
            Assert.Equal(slots.TryGetValue(id, out var expected) ? expected : TraceTable.None, found);
            if (found != TraceTable.None)
            {
                table.MoveToFront(found);
                recency.Remove(id);
                recency.AddFirst(id);
            }
            else if (slots.Count >= 40 && random.Next(2) == 0)
            {
                var oldest = recency.Last!.Value;
                Assert.Equal(slots[oldest], table.Oldest);
                table.Replace(table.Oldest, key);
                slots[id] = slots[oldest];
                slots.Remove(oldest);
                recency.RemoveLast();
                recency.AddFirst(id);
            }
            else
            {
                slots[id] = table.Add(key);
                recency.AddFirst(id);
            }

            if (slots.Count > 30 && random.Next(3) == 0)
            {
                var oldest = recency.Last!.Value;
                Assert.Equal(slots[oldest], table.Oldest);
                table.Remove(table.Oldest);
                slots.Remove(oldest);
                recency.RemoveLast();
            }

            Assert.Equal(slots.Count, table.Count);
        }

        foreach (var id in recency.Reverse())
        {
            Assert.Equal(slots[id], table.Oldest);
            Assert.Equal(slots[id], table.Find(new TraceKey(Encoding.UTF8.GetBytes(id))));
            table.Remove(table.Oldest);
        }

        Assert.Equal(0, table.Count);
        Assert.Equal(TraceTable.None, table.Oldest);
    }

    [Fact]
    public void A_table_holds_many_thousands_of_traces_and_finds_each_after_it_grew()
    {
        var table = new TraceTable();
        var ids = Enumerable.Range(0, 20_000).Select(i => Encoding.UTF8.GetBytes(i % 2 == 0 ? $"{i:x32}" : $"trace-{i}")).ToList();
        var slots = ids.Select(id => table.Add(new TraceKey(id))).ToList();

        Assert.Equal(ids.Count, table.Count);
        Assert.Equal(ids.Count, slots.Distinct().Count());
        Assert.All(Enumerable.Range(0, ids.Count), i => Assert.Equal(slots[i], table.Find(new TraceKey(ids[i]))));
        Assert.Equal(slots[0], table.Oldest);
    }

    [Fact]
    public void A_slot_freed_by_a_removal_is_used_again_before_the_table_takes_new_room()
    {
        var table = new TraceTable();
        var first = table.Add(new TraceKey("first"u8));
        table.Add(new TraceKey("second"u8));

        table.Remove(first);
        var third = table.Add(new TraceKey("third"u8));

        Assert.Equal(first, third);
        Assert.Equal(TraceTable.None, table.Find(new TraceKey("first"u8)));
        Assert.Equal(0, table[third].Seq);
        Assert.Null(table[third].RootService);
    }
}
