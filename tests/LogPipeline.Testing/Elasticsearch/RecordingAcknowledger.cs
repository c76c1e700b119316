using System.Collections.Concurrent;
using LogPipeline.Pipeline;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>An acknowledger that remembers every call, so tests can check that each record got exactly one
/// fate (acknowledged or rejected) and with which reason.</summary>
internal sealed class RecordingAcknowledger : IRecordAcknowledger
{
    private readonly ConcurrentDictionary<RecordOrigin, int> _calls = new();
    private long _acknowledged;

    public ConcurrentDictionary<RecordOrigin, (string Code, string Text)> Rejected { get; } = new();

    public long AcknowledgedCount => Interlocked.Read(ref _acknowledged);

    /// <summary>Records whose fate was reported more than once (must stay empty).</summary>
    public IReadOnlyList<RecordOrigin> ReportedTwice => _calls.Where(c => c.Value > 1).Select(c => c.Key).ToList();

    /// <summary>Records that got a fate (acknowledged or rejected).</summary>
    public int Settled => _calls.Count;

    public void Acknowledge(PipelineRecord record)
    {
        _calls.AddOrUpdate(record.Origin, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _acknowledged);
    }

    public void Reject(PipelineRecord record, string reasonCode, string reasonText)
    {
        _calls.AddOrUpdate(record.Origin, 1, (_, n) => n + 1);
        Rejected[record.Origin] = (reasonCode, reasonText);
    }
}
