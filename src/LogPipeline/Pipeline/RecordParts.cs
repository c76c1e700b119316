namespace LogPipeline.Pipeline;

/// <summary>The documents made from one Kafka message that held several log records (an OTLP/JSON batch), and the
/// verdicts on them so far: the message is done when every part is, acknowledged only when every part was stored,
/// else dead-lettered whole once (see <see cref="BatchAcknowledger"/>). Thread-safe: the sink reports parts from its
/// export tasks.</summary>
internal sealed class RecordParts
{
    private readonly PipelineRecord[] _items;
    private readonly bool[] _settled;
    private readonly List<int> _refused = [];
    private int _pending;
    private string? _reasonCode;
    private string? _reasonText;

    public RecordParts(PipelineRecord[] items)
    {
        _items = items;
        _settled = new bool[items.Length];
        _pending = items.Length;
        foreach (var item in items)
        {
            DocumentBytes += item.Document.Length;
        }
    }

    public IReadOnlyList<PipelineRecord> Items => _items;

    /// <summary>Bytes of all parts' documents.</summary>
    public long DocumentBytes { get; }

    /// <summary>True once a part was dropped without a verdict (its partition was closed).</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Records the verdict on <paramref name="part"/>: stored (<paramref name="reasonCode"/> null), refused,
    /// or none (<paramref name="abandoned"/>: see <see cref="PipelineRecord.Abandon"/>). Returns true exactly once:
    /// for the verdict that settles the last part. A repeated verdict on a part is ignored.</summary>
    public bool Settle(PipelineRecord part, string? reasonCode, string? reasonText, bool abandoned = false)
    {
        var index = part.Origin.Index;
        lock (_settled)
        {
            if ((uint)index >= (uint)_items.Length || !ReferenceEquals(_items[index], part) || _settled[index])
            {
                return false;
            }

            _settled[index] = true;
            if (abandoned)
            {
                Abandoned = true;
            }

            if (reasonCode is not null)
            {
                _refused.Add(index);
                _reasonCode ??= reasonCode;
                _reasonText ??= reasonText;
            }

            return --_pending == 0;
        }
    }

    /// <summary>Why the message is dead-lettered, once settled with a refused part; null when none was refused.</summary>
    public (string Code, string Text)? Failure
    {
        get
        {
            lock (_settled)
            {
                if (_refused.Count == 0)
                {
                    return null;
                }

                var indexes = string.Join(",", _refused.Order().Take(20)) + (_refused.Count > 20 ? ",…" : "");
                return (_reasonCode!, $"{_refused.Count} of the {_items.Length} log records of this OTLP/JSON batch refused " +
                    $"(records {indexes}; record {_refused[0]}: {_reasonText}). The whole message is dead-lettered: a replay indexes " +
                    "every record again under its own _id, so those already stored are not duplicated.");
            }
        }
    }
}
