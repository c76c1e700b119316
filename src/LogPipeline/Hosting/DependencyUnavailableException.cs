namespace LogPipeline.Hosting;

/// <summary>Kafka or the sink's destination could not be reached or prepared at start. The message is one line
/// naming the system, the address and the reason.</summary>
internal sealed class DependencyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
