namespace Enrichers.Json;

/// <summary>Deep copies of parsed nodes, for a value that several records carry (the resource and scope of an
/// OTLP/JSON batch): enrichers change objects, arrays and strings in place, so each record needs nodes of its own.
/// Copies share the input bytes (nothing is re-encoded) and literals, which are never changed; new nodes come from
/// the record's pool when it has one.</summary>
internal static class LogNodeCopier
{
    public static LogNode Copy(LogNode node, LogNodePool? pool)
    {
        switch (node)
        {
            case LogObject source:
                var target = pool is null ? new LogObject(source.Count) : pool.Object();
                foreach (var p in source.PropertySpan)
                {
                    target.AddParsed(p.CopyWith(Copy(p.Value, pool), pool));
                }

                return target;
            case LogArray array:
                var items = pool is null ? new LogArray(array.Count) : pool.Array();
                foreach (var item in array.ItemSpan)
                {
                    items.Add(Copy(item, pool));
                }

                return items;
            case LogString s:
                return s.Copy(pool);
            default:
                return node;
        }
    }
}
