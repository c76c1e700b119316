using System.Buffers;
using System.Linq.Expressions;
using System.Reflection;

namespace LogPipeline.Bench.Enrichment;

/// <summary>The stages of another build's chain one at a time (parse, one enricher, write), for <c>--breakdown</c>
/// with <c>--baseline</c>: each stage of the candidate is measured beside the baseline's stage of the same name, in
/// the same minute of a shared machine. Reached through reflection (the types are the baseline's own, in its load
/// context); the calls are compiled once, and the record model alone is measured through the same calls, so their
/// cost drops out of the differences.</summary>
internal sealed class BaselineStages : IDisposable
{
    private readonly IDisposable _chain;
    private readonly IDisposable _session;
    private readonly object[] _enrichers;
    private readonly Func<object> _newPool;
    private readonly Action<object> _reset;
    private readonly Func<ReadOnlyMemory<byte>, object, object> _parse;
    private readonly Action<object, object> _enrich;
    private readonly Action<object, IBufferWriter<byte>> _write;

    private BaselineStages(Assembly enrichers, IDisposable chain)
    {
        _chain = chain;
        var chainType = enrichers.GetType("Enrichers.EnrichmentChain", throwOnError: true)!;
        _session = (IDisposable)chainType.GetMethod("CreateSession")!.Invoke(chain, null)!;
        var list = (System.Collections.IEnumerable)_session.GetType()
            .GetProperty("Enrichers", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(_session)!;
        _enrichers = list.Cast<object>().ToArray();
        var enricherType = enrichers.GetType("Enrichers.ILogEnricher", throwOnError: true)!;
        Names = _enrichers.Select(e => (string)enricherType.GetProperty("Name")!.GetValue(e)!).ToArray();

        var poolType = enrichers.GetType("Enrichers.Json.LogNodePool", throwOnError: true)!;
        var recordType = enrichers.GetType("Enrichers.Json.LogRecord", throwOnError: true)!;
        var parse = enrichers.GetType("Enrichers.Json.LogRecordParser", throwOnError: true)!
            .GetMethods(BindingFlags.Static | BindingFlags.NonPublic).Single(m => m.Name == "TryParse" && m.GetParameters().Length == 5);
        var pool = Expression.Parameter(typeof(object));
        var record = Expression.Parameter(typeof(object));
        var enricher = Expression.Parameter(typeof(object));
        var input = Expression.Parameter(typeof(ReadOnlyMemory<byte>));
        var output = Expression.Parameter(typeof(IBufferWriter<byte>));
        var rejection = Expression.Variable(parse.GetParameters()[1].ParameterType.GetElementType()!);
        _newPool = Expression.Lambda<Func<object>>(Expression.New(poolType)).Compile();
        _reset = Expression.Lambda<Action<object>>(Expression.Call(Expression.Convert(pool, poolType), poolType.GetMethod("Reset")!), pool).Compile();
        _parse = Expression.Lambda<Func<ReadOnlyMemory<byte>, object, object>>(
            Expression.Block([rejection], Expression.Call(parse, input, rejection, Expression.Constant(1024 * 1024), Expression.Constant(64),
                Expression.Convert(pool, poolType))), input, pool).Compile();
        _enrich = Expression.Lambda<Action<object, object>>(Expression.Call(Expression.Convert(enricher, enricherType),
            enricherType.GetMethod("Enrich")!, Expression.Convert(record, recordType)), enricher, record).Compile();
        _write = Expression.Lambda<Action<object, IBufferWriter<byte>>>(Expression.Call(Expression.Convert(record, recordType),
            recordType.GetMethod("WriteTo", [typeof(IBufferWriter<byte>)])!, output), record, output).Compile();
    }

    /// <summary>The baseline's enrichers' names, in chain order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>A session of a chain of its own (not the run's: a chain's sessions share its trace budget, which the
    /// run's kept sessions hold).</summary>
    public static BaselineStages Open(BaselineChain baseline) => new(baseline.Enrichers, baseline.OpenAnother());

    /// <summary>Parses and writes every line, with the enricher named <paramref name="name"/> between (none: null).</summary>
    public void Run(EnrichmentCorpus corpus, string? name, ArrayBufferWriter<byte> output)
    {
        var enricher = name is null ? null : _enrichers[Array.IndexOf(Names.ToArray(), name)];
        var pool = _newPool();
        for (var i = 0; i < corpus.Count; i++)
        {
            _reset(pool);
            var record = _parse(corpus[i], pool);
            if (enricher is not null)
            {
                _enrich(enricher, record);
            }

            _write(record, output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
    }

    public void Dispose()
    {
        _session.Dispose();
        _chain.Dispose();
    }
}
