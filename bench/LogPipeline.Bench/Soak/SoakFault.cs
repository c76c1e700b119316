namespace LogPipeline.Bench.Soak;

/// <summary>The faults the soak harness injects.</summary>
internal enum SoakFault
{
    /// <summary>SIGKILL the worker (no drain, no commit), start a new one after a moment.</summary>
    KillWorker,

    /// <summary>One broker of the embedded cluster refuses connections, then comes back.</summary>
    BrokerDown,

    /// <summary>The Elasticsearch test server stops listening (connection refused), then listens again.</summary>
    ElasticsearchDown,

    /// <summary>Every Elasticsearch request answered 503.</summary>
    Elasticsearch503,

    /// <summary>Half of the bulk items answered 429 <c>es_rejected_execution_exception</c>.</summary>
    Storm429,

    /// <summary>Every bulk item answered 403 <c>security_exception</c> (a revoked index privilege).</summary>
    Forbidden403,

    /// <summary>A burst of poison records (invalid JSON, invalid UTF-8, too deep, ...) among the steady stream.</summary>
    PoisonBurst,
}
