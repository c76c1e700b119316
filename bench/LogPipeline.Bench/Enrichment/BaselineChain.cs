using System.Buffers;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Loader;

namespace LogPipeline.Bench.Enrichment;

/// <summary>The enrichment chain of another build of the Enrichers library (a folder holding its
/// <c>Enrichers.dll</c>, e.g. the bench output of <c>main</c>), loaded beside this build's in its own
/// <see cref="AssemblyLoadContext"/>, so that baseline and candidate are measured in one process, in the same
/// rounds, on the same lines: on a shared machine, ratios from one run are the only ones to trust.</summary>
internal sealed class BaselineChain : IDisposable
{
    private readonly IDisposable _chain;
    private readonly MethodInfo _createSession;

    private readonly Func<IDisposable> _openAnother;

    private BaselineChain(IDisposable chain, MethodInfo createSession, Action<IDisposable, ReadOnlyMemory<byte>, IBufferWriter<byte>> enrich,
        Assembly enrichers, Func<IDisposable> openAnother)
    {
        _chain = chain;
        _createSession = createSession;
        Enrich = enrich;
        Enrichers = enrichers;
        _openAnother = openAnother;
    }

    /// <summary>The baseline's Enrichers assembly (in its own load context).</summary>
    public Assembly Enrichers { get; }

    /// <summary>Another chain with the same options (its own trace budget, its own databases open).</summary>
    public IDisposable OpenAnother() => _openAnother();

    /// <summary>Enriches one line into the output with a session of <see cref="CreateSession"/>.</summary>
    public Action<IDisposable, ReadOnlyMemory<byte>, IBufferWriter<byte>> Enrich { get; }

    /// <summary>A new session of the baseline chain (as the candidate's harness makes one per run).</summary>
    public IDisposable CreateSession() => (IDisposable)_createSession.Invoke(_chain, null)!;

    /// <summary>Opens the baseline chain with the given database paths (null: none).</summary>
    public static BaselineChain Open(string folder, string? cityPath, string? asnPath, bool normalization)
    {
        var context = new FolderLoadContext(Path.GetFullPath(folder));
        var enrichers = context.LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(folder), "Enrichers.dll"));
        var optionsType = enrichers.GetType("Enrichers.EnrichmentOptions", throwOnError: true)!;
        var options = Activator.CreateInstance(optionsType)!;
        var geoIp = optionsType.GetProperty("GeoIp")!.GetValue(options)!;
        geoIp.GetType().GetProperty("CityDatabasePath")!.SetValue(geoIp, cityPath);
        geoIp.GetType().GetProperty("AsnDatabasePath")!.SetValue(geoIp, asnPath);
        var normalizationOptions = optionsType.GetProperty("Normalization")!.GetValue(options)!;
        normalizationOptions.GetType().GetProperty("Enabled")!.SetValue(normalizationOptions, normalization);
        var chainType = enrichers.GetType("Enrichers.EnrichmentChain", throwOnError: true)!;
        var create = chainType.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == "Create");
        var chain = (IDisposable)create.Invoke(null, [options, null])!;
        IDisposable OpenAnother() => (IDisposable)create.Invoke(null, [options, null])!;
        var createSession = chainType.GetMethod("CreateSession")!;
        var enrich = createSession.ReturnType.GetMethods().Single(m => m.Name == "Enrich"
            && m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(ReadOnlyMemory<byte>));
        var session = Expression.Parameter(typeof(IDisposable));
        var raw = Expression.Parameter(typeof(ReadOnlyMemory<byte>));
        var output = Expression.Parameter(typeof(IBufferWriter<byte>));
        var call = Expression.Call(Expression.Convert(session, createSession.ReturnType), enrich, raw, output,
            Expression.Constant(null, enrich.GetParameters()[2].ParameterType));
        var lambda = Expression.Lambda<Action<IDisposable, ReadOnlyMemory<byte>, IBufferWriter<byte>>>(call, session, raw, output).Compile();
        return new BaselineChain(chain, createSession, lambda, enrichers, OpenAnother);
    }

    public void Dispose() => _chain.Dispose();

    private sealed class FolderLoadContext(string folder) : AssemblyLoadContext($"baseline {folder}")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            // The baseline's own libraries come from its folder; the framework is shared with the candidate.
            var path = Path.Combine(folder, name.Name + ".dll");
            return name.Name is "Enrichers" or "MaxMind.Db" && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
