using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Enrichers.Json;
using Enrichers.Masking;

namespace LogPipeline.Bench;

/// <summary><c>masking --only fields</c>: where masking's time goes by field. Each record is cut down to one of its
/// fields (a nested field keeps its parent objects), and the records of each field are parsed with and without masking
/// (pooled nodes, one thread, CPU time, best of the rounds); the difference is that field's masking cost, its key name
/// and the walk to it included. The empty record shows the fixed cost per record.</summary>
internal static class MaskingFieldCosts
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Run(ReadOnlyMemory<byte>[] records, PiiMaskingEnricher masking, int rounds, string corpus, string? only = null)
    {
        var parsed = records.Select(r => JsonNode.Parse(r.Span)!.AsObject()).ToArray();
        var paths = parsed[0].SelectMany(p => p.Value is JsonObject o ? o.Select(c => p.Key + "." + c.Key) : [p.Key]).ToList();
        var sets = new List<(string Name, ReadOnlyMemory<byte>[] Records)> { ("(all fields)", records), ("(empty record)", records.Select(_ => (ReadOnlyMemory<byte>)"{}"u8.ToArray()).ToArray()) };
        sets.AddRange(paths.Select(path => (path, parsed.Select(o => CutTo(o, path)).ToArray())));
        if (only is not null)
        {
            // For a profiler: one field's records only, so its samples are not mixed with the other fields'.
            sets.RemoveAll(set => set.Name != only);
        }
        var pool = new LogNodePool();
        foreach (var (_, set) in sets)
        {
            Measure(set, masking, 1, pool);
            Measure(set, null, 1, pool);
        }

        Console.WriteLine($"masking by field ({corpus}, markers, pooled nodes): {records.Length:N0} records cut to one field each, " +
            $"best of {rounds} rounds, ns per record");
        foreach (var (name, set) in sets)
        {
            var parse = Measure(set, null, rounds, pool);
            var masked = Measure(set, masking, rounds, pool);
            Console.WriteLine($"  {name,-24} parse {parse,6:F0}  masking {masked - parse,6:F0}");
        }
    }

    // The record with only the field at the dotted path (one level of nesting, as the generators write); a record
    // without it becomes {}.
    private static ReadOnlyMemory<byte> CutTo(JsonObject record, string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var cut = new JsonObject();
        if (dot < 0)
        {
            if (record[path] is { } value)
            {
                cut[path] = value.DeepClone();
            }
        }
        else if (record[path[..dot]] is JsonObject parent && parent[path[(dot + 1)..]] is { } child)
        {
            cut[path[..dot]] = new JsonObject { [path[(dot + 1)..]] = child.DeepClone() };
        }

        return JsonSerializer.SerializeToUtf8Bytes(cut, Compact);
    }

    private static double Measure(ReadOnlyMemory<byte>[] records, PiiMaskingEnricher? masking, int rounds, LogNodePool pool)
    {
        var best = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var raw in records)
            {
                pool.Reset();
                var record = LogRecordParser.TryParse(raw, out _, LogRecordParser.DefaultMaxBytes, LogRecordParser.DefaultMaxDepth, pool)!;
                masking?.Enrich(record);
            }

            best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / records.Length);
        }

        return best;
    }
}
