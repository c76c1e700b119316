namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Faults the test server injects; change them at any time (they are read per request/item).</summary>
internal sealed partial class ElasticsearchFaults
{
    private readonly object _lock = new();
    private Random _random = new(12345);
    private int _failBulkRequests;
    private int _loseBulkResponses;

    /// <summary>Share of <c>index</c>/<c>create</c> items answered 429 <c>es_rejected_execution_exception</c>
    /// (not stored), drawn from a seeded random sequence (<see cref="Seed"/>). 0 = none.</summary>
    public double ItemRejectionRate { get; set; }

    /// <summary>Status of items refused by <see cref="ItemRejectionRate"/>: 429 (default, type
    /// <c>es_rejected_execution_exception</c>), 502, 503 or 504 (type <c>unavailable_shards_exception</c>).</summary>
    public int ItemRejectionStatus { get; set; } = 429;

    /// <summary>Error type of items refused by <see cref="ItemRejectionRate"/>; null picks it from
    /// <see cref="ItemRejectionStatus"/> as described there.</summary>
    public string? ItemRejectionType { get; set; }

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

    /// <summary>The next N <c>_bulk</c> requests are executed (documents stored) but answered only after
    /// <see cref="LostResponseDelay"/>: with a shorter client timeout the answer is lost, as when a node
    /// stalls or a proxy cuts the connection after Elasticsearch did the work.</summary>
    public int LoseNextBulkResponses
    {
        get => Volatile.Read(ref _loseBulkResponses);
        set => Volatile.Write(ref _loseBulkResponses, value);
    }

    /// <summary>How long a "lost" bulk answer is held back. Default 5 s.</summary>
    public TimeSpan LostResponseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Abort every connection without an answer while true (a crashing node or a reset).</summary>
    public bool DropConnections { get; set; }

    /// <summary>Documents for which the predicate is true get a per-item 400 <c>document_parsing_exception</c>
    /// (a mapping error).</summary>
    public Func<BulkItemInfo, bool>? MappingErrorFor { get; set; }

    /// <summary>A <c>_bulk</c> body containing this text is refused as a whole with 400 (as Elasticsearch does
    /// for a body it cannot parse), so a sink must isolate the offending document.</summary>
    public string? RefuseBulkBodiesContaining { get; set; }

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

    internal bool TakeBulkFailure() => TakeOne(ref _failBulkRequests);

    internal bool TakeLostResponse() => TakeOne(ref _loseBulkResponses);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var n = Volatile.Read(ref counter);
            if (n <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, n - 1, n) == n)
            {
                return true;
            }
        }
    }
}
