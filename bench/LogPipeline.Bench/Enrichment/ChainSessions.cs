namespace LogPipeline.Bench.Enrichment;

/// <summary>The sessions a chain's runs enrich with. By default the same ones for the whole run, warm-up included, as
/// the worker keeps a session per assigned partition for as long as it holds the partition: a run then measures a
/// session in its steady state. With <c>fresh</c>, every run gets new ones (the harness's behaviour until 2026-12-07):
/// each run then also pays for a session's start (trace linking builds up its state for the first
/// <c>Enrichment:Trace:MaxTraces</c> new traces, allocating and growing its table as it goes), which a worker pays
/// once per partition assignment. Disposes what it made.</summary>
internal sealed class ChainSessions(Func<IDisposable> create, int count, bool fresh) : IDisposable
{
    private IDisposable[]? _current;

    /// <summary>True when every run gets new sessions (<c>--fresh-sessions</c>).</summary>
    public bool Fresh => fresh;

    /// <summary>The sessions for the next run: new ones when fresh (the previous ones disposed), else the same.</summary>
    public IDisposable[] Take()
    {
        if (_current is not null && !fresh)
        {
            return _current;
        }

        Dispose();
        _current = Enumerable.Range(0, count).Select(_ => create()).ToArray();
        return _current;
    }

    public void Dispose()
    {
        foreach (var session in _current ?? [])
        {
            session.Dispose();
        }

        _current = null;
    }
}
