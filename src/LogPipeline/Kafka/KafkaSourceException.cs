namespace LogPipeline.Kafka;

/// <summary>The Kafka source stopped because of an error it cannot recover from (a fatal consumer or
/// dead-letter producer error, or a failing sink). The host should exit non-zero.</summary>
internal sealed class KafkaSourceException(string message, Exception? inner = null) : Exception(message, inner);
