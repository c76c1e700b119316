namespace Enrichers;

/// <summary>An enricher threw on a record. Carries no record content: the exception message of our own
/// enrichers never quotes values, and the worker logs only this plus the record's origin.</summary>
public sealed record EnricherFailure(string Enricher, string ExceptionType, string Message);
