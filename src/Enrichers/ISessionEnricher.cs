namespace Enrichers;

/// <summary>An enricher that belongs to one session (holds per-stream state) and is disposed with it.</summary>
public interface ISessionEnricher : ILogEnricher, IDisposable
{
}
