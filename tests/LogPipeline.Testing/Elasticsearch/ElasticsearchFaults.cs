namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Faults the test server injects; change them at any time (they are read per request/item).</summary>
public sealed class ElasticsearchFaults
{
    private readonly object _lock = new();
    private Random _random = new(12345);
    private int _failBulkRequests;

    /// <summary>Share of <c>index</c>/<c>create</c> items answered 429 <c>es_rejected_execution_exception</c>
    /// (not stored), drawn from a seeded random sequence (<see cref="Seed"/>). 0 = none.</summary>
    public double ItemRejectionRate { get; set; }

    /// <summary>Reseeds the random sequence used for <see cref="ItemRejectionRate"/>.</summary>
    public int Seed
    {
        set
        {
            lock (_lock)
            {
                _random = new Random(value);
            }
        }
    }

    /// <summary>The next N <c>_bulk</c> requests fail as a whole with <see cref="RequestFailureStatus"/>.</summary>
    public int FailBulkRequests
    {
        get => Volatile.Read(ref _failBulkRequests);
        set => Volatile.Write(ref _failBulkRequests, value);
    }

    /// <summary>Every request (any API) fails with <see cref="RequestFailureStatus"/> while true.</summary>
    public bool FailAllRequests { get; set; }

    /// <summary>Status of injected whole-request failures: 503 (default), 429, 502, 504, 500...</summary>
    public int RequestFailureStatus { get; set; } = 503;

    /// <summary>Delay before answering each request.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Abort every connection without an answer while true (a crashing node or a reset).</summary>
    public bool DropConnections { get; set; }

    /// <summary>Documents for which the predicate is true get a per-item 400 <c>document_parsing_exception</c>
    /// (a mapping error).</summary>
    public Func<BulkItemInfo, bool>? MappingErrorFor { get; set; }

    /// <summary>Request bodies larger than this (bytes, as received) get 413, like <c>http.max_content_length</c>.</summary>
    public long? MaxContentLength { get; set; }

    internal bool NextItemRejected()
    {
        var rate = ItemRejectionRate;
        if (rate <= 0)
        {
            return false;
        }

        lock (_lock)
        {
            return _random.NextDouble() < rate;
        }
    }

    internal bool TakeBulkFailure()
    {
        while (true)
        {
            var n = Volatile.Read(ref _failBulkRequests);
            if (n <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failBulkRequests, n - 1, n) == n)
            {
                return true;
            }
        }
    }
}
