using Enrichers.Json;

namespace Enrichers;

/// <summary>One enrichment step. Enrichers are synchronous, do no I/O, and change the record in place.
/// A shared enricher must be thread-safe; per-partition state lives in enrichers made per session.
/// An enricher should not throw, but when it does, <see cref="EnricherSequence"/> keeps the record.</summary>
public interface ILogEnricher
{
    /// <summary>A short stable name (metric label, failure reports), e.g. <c>geoip</c>.</summary>
    string Name { get; }

    void Enrich(LogRecord record);
}
