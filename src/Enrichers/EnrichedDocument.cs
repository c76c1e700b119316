namespace Enrichers;

/// <summary>One document written by <see cref="EnrichmentSession.EnrichEach"/>: its length in bytes in the output
/// (documents follow each other there, in input order) and the data stream namespace the normalization stage routed
/// it to (null: the sink's configured one).</summary>
public readonly record struct EnrichedDocument(int Length, string? Namespace);
